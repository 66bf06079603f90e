# METADATA
# title: Containers have a readiness probe
# description: >-
#   Without a readiness probe a container gets traffic as soon as it starts, before it can answer, and keeps getting it while it cannot. A reliability check, not a security one: off by default, in the opt-in reliability
#   group. Jobs and init containers are not judged (they run to completion).
# custom:
#   id: PLM-K8S-0086
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController]
#   optional: reliability
#   remediation: Add a readinessProbe (httpGet, tcpSocket, grpc or exec) that checks what the container serves.
#   fix: {manual: "what to probe is the application's own"}
package plimsoll.kubernetes.readiness_probe

import data.plimsoll.lib.kubernetes.containers
import rego.v1

deny contains v if {
	some c in containers
	c.field == "containers"
	not c.container.readinessProbe
	v := {
		"msg": sprintf("container %q has no readiness probe", [c.name]),
		"path": c.path,
	}
}
