# METADATA
# title: Default service accounts are not used
# description: >-
#   The default ServiceAccount of a namespace is what every pod gets unless it asks for
#   another: it must mount no token and hold no role bindings. CIS Kubernetes 5.1.5.
# custom:
#   id: PLM-K8S-0044
#   severity: medium
#   kinds: [kubernetes/ServiceAccount, kubernetes/RoleBinding, kubernetes/ClusterRoleBinding]
#   remediation: Set automountServiceAccountToken to false on default ServiceAccounts and bind roles to dedicated ServiceAccounts instead.
#   fix:
#     - {when: automountServiceAccountToken, set: false}
#     - {when: "subjects*", manual: "which service account the binding should name is its owner's call"}
package plimsoll.kubernetes.default_service_account_usage

import rego.v1

deny contains v if {
    input.kind == "ServiceAccount"
    input.metadata.name == "default"
    not input.automountServiceAccountToken == false
    v := {
        "msg": "the default service account does not set automountServiceAccountToken: false",
        "path": "automountServiceAccountToken",
    }
}

deny contains v if {
    input.kind in {"RoleBinding", "ClusterRoleBinding"}
    some i, s in object.get(input, "subjects", [])
    s.kind == "ServiceAccount"
    s.name == "default"
    v := {
        "msg": sprintf("%s %s binds %s to the default service account of namespace %s", [input.kind, input.metadata.name, input.roleRef.name, object.get(s, "namespace", object.get(input.metadata, "namespace", "?"))]),
        "path": sprintf("subjects[%d]", [i]),
    }
}
