# METADATA
# title: Namespaces are administrative boundaries
# description: >-
#   A namespace separates administration only if access is granted within it. One that no
#   RoleBinding refers to is administered solely through cluster-wide roles: it separates
#   names, not who may change what. Cross-resource: a Namespace passes when the input holds a
#   RoleBinding in it. The system namespaces are not reported, nor default (CIS 5.6.4 covers
#   it). A heuristic for CIS Kubernetes 5.6.1, whose own audit is a review of the namespace
#   list, so the check is off by default and runs only when named (`--check PLM-K8S-0063` or
#   `checks.enable`); waive namespaces deliberately run by cluster administrators only.
# custom:
#   id: PLM-K8S-0063
#   severity: low
#   kinds: [kubernetes/Namespace]
#   inventory: [kubernetes/RoleBinding]
#   manual: true
#   remediation: Grant the team that owns the namespace its access with a RoleBinding in it (for example to the edit or view ClusterRole), instead of cluster-wide bindings.
package plimsoll.kubernetes.namespace_boundary

import rego.v1

exempt := {"default", "kube-system", "kube-public", "kube-node-lease"}

deny contains v if {
    name := input.metadata.name
    not name in exempt
    not bound(name)
    v := {
        "msg": sprintf("namespace %s has no RoleBinding: access to it comes only from cluster-wide roles", [name]),
        "path": "metadata.name",
    }
}

# The index holds a namespace only when some RoleBinding is in it.
bound(ns) if data.index["kubernetes/RoleBinding"][ns]
