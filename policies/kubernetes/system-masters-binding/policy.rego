# METADATA
# title: Nothing is bound to the system:masters group
# description: >-
#   Members of system:masters bypass RBAC entirely and cannot be revoked by removing a
#   binding; binding roles to it, or relying on it, hides superusers. Only Kubernetes's own
#   default binding is expected. Membership through client certificates is not visible in
#   manifests. CIS Kubernetes 5.1.7.
# custom:
#   id: PLM-K8S-0045
#   severity: critical
#   kinds: [kubernetes/RoleBinding, kubernetes/ClusterRoleBinding]
#   remediation: Bind roles to a dedicated group instead of system:masters, and issue no certificates with O=system:masters.
package plimsoll.kubernetes.system_masters_binding

import data.plimsoll.lib.kubernetes.is_bootstrap_default
import rego.v1

deny contains v if {
    not is_bootstrap_default
    some i, s in object.get(input, "subjects", [])
    s.kind == "Group"
    s.name == "system:masters"
    v := {
        "msg": sprintf("%s %s binds %s to the system:masters group", [input.kind, input.metadata.name, input.roleRef.name]),
        "path": sprintf("subjects[%d]", [i]),
    }
}
