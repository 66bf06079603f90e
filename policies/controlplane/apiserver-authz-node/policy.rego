# METADATA
# title: The Node authorizer limits what kubelets may read
# description: >-
#   Without the Node authorizer each kubelet can read every Secret and ConfigMap in the cluster, not only those of its pods. CIS Kubernetes 1.2.7.
# custom:
#   id: PLM-CP-0007
#   severity: high
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Include Node in --authorization-mode (Node,RBAC)."
package plimsoll.controlplane.apiserver_authz_node

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.lists("authorization-mode", "Node")
	v := cp.at("authorization-mode", "does not use the Node authorizer (--authorization-mode lacks Node)")
}
