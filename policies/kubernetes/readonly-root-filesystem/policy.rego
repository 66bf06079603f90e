# METADATA
# title: Containers use a read-only root filesystem
# description: >-
#   A writable root filesystem lets an attacker drop tools and persist changes inside the
#   container. Write to emptyDir or volume mounts instead. Part of CIS Kubernetes 5.6.3.
# custom:
#   id: PLM-K8S-0020
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set securityContext.readOnlyRootFilesystem to true and mount an emptyDir where the application writes.
#   fix: {set: true}
package plimsoll.kubernetes.readonly_root_filesystem

import data.plimsoll.lib.kubernetes.containers
import rego.v1

deny contains v if {
    some c in containers
    c.field != "ephemeralContainers"
    not c.sc.readOnlyRootFilesystem == true
    v := {
        "msg": sprintf("container %q has a writable root filesystem", [c.name]),
        "path": [c.path, "securityContext.readOnlyRootFilesystem"],
    }
}
