# METADATA
# title: Containers set a memory limit
# description: >-
#   Without a memory limit one container can exhaust its node's memory and get neighbours OOM-killed.
# custom:
#   id: PLM-K8S-0024
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set resources.limits.memory on every container (a LimitRange can supply defaults per namespace).
#   fix: {param: memoryLimit}
package plimsoll.kubernetes.memory_limits

import data.plimsoll.lib.kubernetes.containers
import rego.v1

deny contains v if {
    some c in containers
    c.field != "ephemeralContainers"
    not c.container.resources.limits.memory
    v := {
        "msg": sprintf("container %q has no memory limit", [c.name]),
        "path": [c.path, "resources.limits.memory"],
    }
}
