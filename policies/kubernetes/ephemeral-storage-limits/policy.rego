# METADATA
# title: Containers set an ephemeral storage limit
# description: >-
#   Without a limit on ephemeral storage (writable layer, emptyDir on disk, logs) one container
#   can fill its node's disk, and the kubelet then evicts its neighbours.
# custom:
#   id: PLM-K8S-0073
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set resources.limits.ephemeral-storage on every container (a LimitRange can supply defaults per namespace).
#   fix: {param: ephemeralStorageLimit}
package plimsoll.kubernetes.ephemeral_storage_limits

import data.plimsoll.lib.kubernetes.containers
import rego.v1

deny contains v if {
    some c in containers
    c.field != "ephemeralContainers"
    object.get(object.get(object.get(c.container, "resources", {}), "limits", {}), "ephemeral-storage", null) == null
    v := {
        "msg": sprintf("container %q has no ephemeral storage limit", [c.name]),
        "path": [c.path, "resources.limits.ephemeral-storage"],
    }
}
