# METADATA
# title: Roles do not use wildcards
# description: >-
#   A `*` in apiGroups, resources or verbs, or a `*/subresource` in resources, grants
#   everything that exists now and everything added later (new CRDs, new subresources). Roles Kubernetes itself creates are not reported.
#   CIS Kubernetes 5.1.3.
# custom:
#   id: PLM-K8S-0042
#   severity: high
#   kinds: [kubernetes/Role, kubernetes/ClusterRole]
#   remediation: List the API groups, resources and verbs the subject needs explicitly.
package plimsoll.kubernetes.rbac_wildcards

import data.plimsoll.lib.kubernetes.is_wildcard_resource
import data.plimsoll.lib.kubernetes.rbac_rules
import rego.v1

# `*/status` in resources is a wildcard too: it reaches that subresource of every resource.
wildcard(rule, "resources") if {
    some res in object.get(rule, "resources", [])
    is_wildcard_resource(res)
}

wildcard(rule, field) if {
    field in {"apiGroups", "verbs"}
    "*" in object.get(rule, field, [])
}

deny contains v if {
    some r in rbac_rules
    fields := [f | some f in ["apiGroups", "resources", "verbs"]; wildcard(r.rule, f)]
    count(fields) > 0
    v := {
        "msg": sprintf("%s %s uses a wildcard in %s", [input.kind, input.metadata.name, concat(", ", fields)]),
        "path": r.path,
    }
}
