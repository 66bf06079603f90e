# METADATA
# title: Memory-backed emptyDir volumes set a size limit
# description: >-
#   An emptyDir with medium Memory is a tmpfs: what is written there counts against the node's
#   memory, and without sizeLimit it can grow to the node's allocatable memory before anything
#   stops it.
# custom:
#   id: PLM-K8S-0074
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set sizeLimit on every emptyDir volume with medium Memory.
#   fix: {param: memoryVolumeSizeLimit}
package plimsoll.kubernetes.memory_emptydir_size

import data.plimsoll.lib.kubernetes.pod_spec
import data.plimsoll.lib.kubernetes.pod_spec_path
import rego.v1

deny contains v if {
    some i, vol in object.get(pod_spec, "volumes", [])
    dir := vol.emptyDir
    is_object(dir)
    dir.medium == "Memory"
    not dir.sizeLimit
    v := {
        "msg": sprintf("memory-backed emptyDir %q has no size limit", [vol.name]),
        "path": sprintf("%s.volumes[%d].emptyDir.sizeLimit", [pod_spec_path, i]),
    }
}
