# METADATA
# title: Containers are not seccomp-unconfined
# description: >-
#   A container whose seccomp profile is Unconfined can make every system call the kernel
#   offers. The Pod Security Standards baseline forbids Unconfined on the pod and on every
#   container, but, unlike restricted (PLM-K8S-0013), does not require a profile to be set.
# custom:
#   id: PLM-K8S-0078
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost with a profile), or remove the Unconfined profile.
#   fix: {when: "*.seccompProfile.type", set: RuntimeDefault}
package plimsoll.kubernetes.seccomp_unconfined

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.kubernetes.effective_path
import rego.v1

deny contains v if {
	some c in containers
	c.eff.seccompProfile.type == "Unconfined"
	v := {
		"msg": sprintf("container %q runs with seccomp profile Unconfined", [c.name]),
		"path": sprintf("%s.type", [effective_path(c, "seccompProfile")]),
	}
}
