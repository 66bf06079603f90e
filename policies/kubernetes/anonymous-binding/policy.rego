# METADATA
# title: Nothing is bound to anonymous or unauthenticated users
# description: >-
#   A RoleBinding or ClusterRoleBinding naming system:anonymous or system:unauthenticated gives
#   its role to anyone who can reach the API server without credentials, and one naming
#   system:authenticated to every account of every identity provider the cluster trusts (any
#   Google account, on some managed clusters). Only the discovery roles Kubernetes binds itself
#   are exempt (label kubernetes.io/bootstrapping=rbac-defaults). CIS Kubernetes 5.1.1 and the
#   NSA/CISA guidance on anonymous access.
# custom:
#   id: PLM-K8S-0070
#   severity: critical
#   kinds: [kubernetes/RoleBinding, kubernetes/ClusterRoleBinding]
#   remediation: Remove system:anonymous, system:unauthenticated and system:authenticated from the binding's subjects; bind the role to the groups that need it.
#   fix: {manual: "which group should have the role is its owner's call"}
package plimsoll.kubernetes.anonymous_binding

import rego.v1

everyone := {"system:anonymous", "system:unauthenticated", "system:authenticated"}

bootstrap if input.metadata.labels["kubernetes.io/bootstrapping"] == "rbac-defaults"

deny contains v if {
    not bootstrap
    some i, s in object.get(input, "subjects", [])
    s.kind in {"User", "Group"}
    s.name in everyone
    v := {
        "msg": sprintf("%s %s binds %s %s to %s", [input.kind, input.metadata.name, input.roleRef.kind, input.roleRef.name, s.name]),
        "path": sprintf("subjects[%d]", [i]),
    }
}
