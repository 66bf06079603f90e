# METADATA
# title: Roles do not grant creating service account tokens
# description: >-
#   Create on serviceaccounts/token issues API tokens for any service account in scope, including privileged ones. CIS Kubernetes 5.1.13.
#   Roles Kubernetes itself creates (label kubernetes.io/bootstrapping=rbac-defaults) are not
#   reported.
# custom:
#   id: PLM-K8S-0051
#   severity: high
#   kinds: [kubernetes/Role, kubernetes/ClusterRole]
#   remediation: Remove create on serviceaccounts/token except for components that issue tokens by design.
package plimsoll.kubernetes.rbac_token_create

import data.plimsoll.lib.kubernetes.grants
import data.plimsoll.lib.kubernetes.rbac_rules
import rego.v1

deny contains v if {
    some r in rbac_rules
    grants(r.rule, {""}, {"serviceaccounts/token"}, {"create"})
    v := {
        "msg": sprintf("%s %s can create service account tokens", [input.kind, input.metadata.name]),
        "path": r.path,
    }
}
