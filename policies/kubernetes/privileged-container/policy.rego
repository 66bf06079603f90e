# METADATA
# title: Containers do not run privileged
# description: >-
#   A privileged container has every capability and full access to the host's devices; a
#   compromise of it is a compromise of the node. CIS Kubernetes 5.2.2, Pod Security Standards
#   baseline.
# custom:
#   id: PLM-K8S-0001
#   severity: high
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Remove securityContext.privileged from the container or set it to false.
#   fix: {set: false}
package plimsoll.kubernetes.privileged_container

import data.plimsoll.lib.kubernetes.containers
import rego.v1

deny contains v if {
    some c in containers
    c.sc.privileged == true
    v := {
        "msg": sprintf("container %q runs privileged", [c.name]),
        "path": [c.path, "securityContext.privileged"],
    }
}
