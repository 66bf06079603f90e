# METADATA
# title: Containers run as a UID of 10000 or above
# description: >-
#   Low UIDs belong to the node's own users and services (1000 is often its first human
#   user). A container that escapes as one of them gets that user's files and rights on the
#   node; a UID of 10000 or above matches nobody there. Level 2 hardening beyond the Pod
#   Security Standards (which only forbid UID 0); an unset UID is the image's to decide, so it
#   fails too.
# custom:
#   id: PLM-K8S-0066
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set securityContext.runAsUser to 10000 or above on the pod or each container (and build the image to run as that user).
#   fix: {param: runAsUser}
package plimsoll.kubernetes.run_as_high_uid

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.kubernetes.effective_path
import rego.v1

deny contains v if {
    some c in containers
    uid := object.get(c.eff, "runAsUser", null)
    not high(uid)
    v := {
        "msg": sprintf("container %q runs as UID %v, below 10000", [c.name, shown(uid)]),
        "path": effective_path(c, "runAsUser"),
    }
}

high(uid) if {
    is_number(uid)
    uid >= 10000
}

shown(null) := "(unset: the image's)"

shown(uid) := uid if uid != null
