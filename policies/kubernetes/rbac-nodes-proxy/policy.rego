# METADATA
# title: Roles do not grant access to the nodes/proxy subresource
# description: >-
#   nodes/proxy reaches the kubelet API directly, bypassing admission control and audit logging of the API server, and allows running commands in any pod on the node. CIS Kubernetes 5.1.10.
#   Roles Kubernetes itself creates (label kubernetes.io/bootstrapping=rbac-defaults) are not
#   reported.
# custom:
#   id: PLM-K8S-0048
#   severity: high
#   kinds: [kubernetes/ClusterRole]
#   remediation: Remove nodes/proxy from the role; monitoring can use the metrics endpoints instead.
package plimsoll.kubernetes.rbac_nodes_proxy

import data.plimsoll.lib.kubernetes.grants
import data.plimsoll.lib.kubernetes.rbac_rules
import rego.v1

deny contains v if {
    some r in rbac_rules
    grants(r.rule, {""}, {"nodes/proxy", "nodes/*"}, {"get", "list", "watch", "create", "update", "patch", "delete"})
    v := {
        "msg": sprintf("%s %s can use the nodes/proxy subresource", [input.kind, input.metadata.name]),
        "path": r.path,
    }
}
