# METADATA
# title: Containers set a memory request
# description: >-
#   Without a memory request the scheduler overcommits nodes and the pod is first to be evicted.
# custom:
#   id: PLM-K8S-0023
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set resources.requests.memory on every container (a LimitRange can supply defaults per namespace).
#   fix: {param: memoryRequest}
package plimsoll.kubernetes.memory_requests

import data.plimsoll.lib.kubernetes.containers
import rego.v1

deny contains v if {
    some c in containers
    c.field != "ephemeralContainers"
    not c.container.resources.requests.memory
    v := {
        "msg": sprintf("container %q has no memory request", [c.name]),
        "path": [c.path, "resources.requests.memory"],
    }
}
