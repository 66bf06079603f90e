# METADATA
# title: Containers run with a primary GID of 10000 or above
# description: >-
#   Without runAsGroup the container's processes get the image's group, often 0 (root), whose
#   files on the node and in shared volumes they can then read and write. A GID of 10000 or
#   above matches no group of the node. Level 2 hardening, with PLM-K8S-0066 for the UID.
# custom:
#   id: PLM-K8S-0071
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set securityContext.runAsGroup to 10000 or above on the pod or each container.
#   fix: {param: runAsGroup}
package plimsoll.kubernetes.run_as_high_gid

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.kubernetes.effective_path
import rego.v1

deny contains v if {
    some c in containers
    gid := object.get(c.eff, "runAsGroup", null)
    not high(gid)
    v := {
        "msg": sprintf("container %q runs with GID %v, below 10000", [c.name, shown(gid)]),
        "path": effective_path(c, "runAsGroup"),
    }
}

high(gid) if {
    is_number(gid)
    gid >= 10000
}

shown(null) := "(unset: the image's)"

shown(gid) := gid if gid != null
