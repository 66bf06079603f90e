# METADATA
# title: Containers have a liveness probe
# description: >-
#   Without a liveness probe a container that hangs (deadlocked, out of file handles) keeps running and serving errors until someone restarts it. A reliability check, not a security one: off by default, in the opt-in reliability
#   group. Jobs and init containers are not judged (they run to completion).
# custom:
#   id: PLM-K8S-0085
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController]
#   optional: reliability
#   remediation: Add a livenessProbe (httpGet, tcpSocket, grpc or exec) that checks what the container serves.
#   fix: {manual: "what to probe is the application's own"}
package plimsoll.kubernetes.liveness_probe

import data.plimsoll.lib.kubernetes.containers
import rego.v1

deny contains v if {
	some c in containers
	c.field == "containers"
	not c.container.livenessProbe
	v := {
		"msg": sprintf("container %q has no liveness probe", [c.name]),
		"path": c.path,
	}
}
