# METADATA
# title: Containers forbid privilege escalation
# description: >-
#   Unless allowPrivilegeEscalation is false, a process can gain more privileges than its
#   parent (setuid binaries, file capabilities). The Kubernetes default is to allow it.
#   CIS Kubernetes 5.2.6, Pod Security Standards restricted.
# custom:
#   id: PLM-K8S-0005
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set securityContext.allowPrivilegeEscalation to false on every container.
#   fix: {set: false}
package plimsoll.kubernetes.allow_privilege_escalation

import data.plimsoll.lib.kubernetes.containers
import rego.v1

deny contains v if {
    some c in containers
    not c.sc.allowPrivilegeEscalation == false
    v := {
        "msg": sprintf("container %q does not set allowPrivilegeEscalation: false", [c.name]),
        "path": [c.path, "securityContext.allowPrivilegeEscalation"],
    }
}
