# METADATA
# title: Roles do not grant read access to secrets
# description: >-
#   Get, list or watch on secrets reveals every credential in scope; list and watch return the values too. CIS Kubernetes 5.1.2.
#   Roles Kubernetes itself creates (label kubernetes.io/bootstrapping=rbac-defaults) are not
#   reported.
# custom:
#   id: PLM-K8S-0041
#   severity: high
#   kinds: [kubernetes/Role, kubernetes/ClusterRole]
#   remediation: Grant get on named secrets only (resourceNames), or mount the secrets the workload needs instead of reading them through the API.
package plimsoll.kubernetes.rbac_secrets_access

import data.plimsoll.lib.kubernetes.grants
import data.plimsoll.lib.kubernetes.rbac_rules
import rego.v1

deny contains v if {
    some r in rbac_rules
    grants(r.rule, {""}, {"secrets"}, {"get", "list", "watch"})
    v := {
        "msg": sprintf("%s %s can read secrets", [input.kind, input.metadata.name]),
        "path": r.path,
    }
}
