# METADATA
# title: Pods declare runAsNonRoot
# description: >-
#   With runAsNonRoot: true the kubelet refuses to start a container whose user would be root,
#   whatever the image says. The Pod Security Standards restricted profile requires it on the
#   pod (no container setting false) or on every container. Pods with hostUsers: false run in
#   a user namespace and are exempt (policy version 1.35 on).
# custom:
#   id: PLM-K8S-0081
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set securityContext.runAsNonRoot to true on the pod, and build the image to run as a non-root user.
#   fix: {when: "*.runAsNonRoot", set: true}
package plimsoll.kubernetes.run_as_non_root

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.kubernetes.effective_path
import data.plimsoll.lib.kubernetes.pod_spec
import rego.v1

deny contains v if {
	some c in containers
	not c.eff.runAsNonRoot == true
	v := {
		"msg": sprintf("container %q does not declare runAsNonRoot: true", [c.name]),
		"path": effective_path(c, "runAsNonRoot"),
	}
}

not_applicable if object.get(pod_spec, "hostUsers", true) == false
