# METADATA
# title: Containers add no capability but NET_BIND_SERVICE
# description: >-
#   The Pod Security Standards restricted profile allows a container to add only
#   NET_BIND_SERVICE, on top of dropping ALL (PLM-K8S-0009); baseline (PLM-K8S-0008) allows the
#   runtime's default set. Windows pods are exempt (policy version 1.25 on).
# custom:
#   id: PLM-K8S-0080
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Remove every capability but NET_BIND_SERVICE from securityContext.capabilities.add.
#   fix: {manual: "which capabilities the workload needs is its owner's call"}
package plimsoll.kubernetes.restricted_capabilities

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.kubernetes.pod_spec
import rego.v1

deny contains v if {
	not windows
	some c in containers
	extra := c.add - {"NET_BIND_SERVICE"}
	count(extra) > 0
	v := {
		"msg": sprintf("container %q adds capabilities the restricted profile forbids: %s", [c.name, concat(", ", sort(extra))]),
		"path": [c.path, "securityContext.capabilities.add"],
	}
}

windows if object.get(pod_spec, ["os", "name"], "") == "windows"

not_applicable if windows
