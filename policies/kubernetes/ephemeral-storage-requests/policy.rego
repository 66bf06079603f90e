# METADATA
# title: Containers set an ephemeral storage request
# description: >-
#   The scheduler places a pod by its requests: without one for ephemeral storage, pods that
#   write to disk are packed onto nodes whose disks cannot hold them, and the kubelet evicts
#   pods when the disk fills.
# custom:
#   id: PLM-K8S-0075
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set resources.requests.ephemeral-storage on every container (a LimitRange can supply defaults per namespace).
#   fix: {param: ephemeralStorageRequest}
package plimsoll.kubernetes.ephemeral_storage_requests

import data.plimsoll.lib.kubernetes.containers
import rego.v1

deny contains v if {
    some c in containers
    c.field != "ephemeralContainers"
    object.get(object.get(object.get(c.container, "resources", {}), "requests", {}), "ephemeral-storage", null) == null
    v := {
        "msg": sprintf("container %q has no ephemeral storage request", [c.name]),
        "path": [c.path, "resources.requests.ephemeral-storage"],
    }
}
