# METADATA
# title: Containers do not bind host ports
# description: >-
#   A hostPort opens a port on every node the pod runs on, outside Service and NetworkPolicy
#   control, and pins the pod to nodes where the port is free. CIS Kubernetes 5.2.12,
#   Pod Security Standards baseline.
# custom:
#   id: PLM-K8S-0012
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Remove hostPort from the container ports and expose the workload through a Service.
#   fix: {remove: true}
package plimsoll.kubernetes.host_ports

import data.plimsoll.lib.kubernetes.containers
import rego.v1

deny contains v if {
    some c in containers
    some i, port in c.container.ports
    port.hostPort != 0
    v := {
        "msg": sprintf("container %q opens host port %v", [c.name, port.hostPort]),
        "path": sprintf("%s.ports[%d].hostPort", [c.path, i]),
    }
}
