# METADATA
# title: Roles do not grant bind, escalate or impersonate
# description: >-
#   Bind and escalate let a subject grant itself permissions it does not hold; impersonate lets it act as any user, group or service account. CIS Kubernetes 5.1.8.
#   Roles Kubernetes itself creates (label kubernetes.io/bootstrapping=rbac-defaults) are not
#   reported.
# custom:
#   id: PLM-K8S-0046
#   severity: high
#   kinds: [kubernetes/Role, kubernetes/ClusterRole]
#   remediation: Remove bind, escalate and impersonate verbs; grant them only to cluster administration tooling.
package plimsoll.kubernetes.rbac_bind_escalate_impersonate

import data.plimsoll.lib.kubernetes.grants
import data.plimsoll.lib.kubernetes.rbac_rules
import rego.v1

deny contains v if {
    some r in rbac_rules
    grants(r.rule, {"rbac.authorization.k8s.io", "", "authentication.k8s.io"}, {"roles", "clusterroles", "users", "groups", "serviceaccounts", "uids", "userextras/scopes"}, {"bind", "escalate", "impersonate"})
    v := {
        "msg": sprintf("%s %s can bind, escalate or impersonate", [input.kind, input.metadata.name]),
        "path": r.path,
    }
}
