# METADATA
# title: The cluster-admin role is bound only where required
# description: >-
#   cluster-admin is unrestricted superuser access; every binding to it is a subject that can
#   do anything to the cluster. Bindings Kubernetes itself creates are not reported.
#   CIS Kubernetes 5.1.1.
# custom:
#   id: PLM-K8S-0040
#   severity: high
#   kinds: [kubernetes/RoleBinding, kubernetes/ClusterRoleBinding]
#   remediation: Bind a role with only the permissions needed, or a namespaced admin role, instead of cluster-admin.
package plimsoll.kubernetes.cluster_admin_binding

import data.plimsoll.lib.kubernetes.is_bootstrap_default
import rego.v1

deny contains v if {
    input.roleRef.kind == "ClusterRole"
    input.roleRef.name == "cluster-admin"
    not is_bootstrap_default
    subjects := [sprintf("%s %s", [s.kind, s.name]) | some s in object.get(input, "subjects", [])]
    v := {
        "msg": sprintf("%s %s grants cluster-admin to %s", [input.kind, input.metadata.name, concat(", ", subjects)]),
        "path": "roleRef.name",
    }
}
