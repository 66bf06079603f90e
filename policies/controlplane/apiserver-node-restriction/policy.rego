# METADATA
# title: Kubelets may change only their own node and pods
# description: >-
#   Without the NodeRestriction admission plugin a kubelet's credentials can modify other nodes and any pod. CIS Kubernetes 1.2.14.
# custom:
#   id: PLM-CP-0014
#   severity: high
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Add NodeRestriction to --enable-admission-plugins."
package plimsoll.controlplane.apiserver_node_restriction

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.lists("enable-admission-plugins", "NodeRestriction")
	v := cp.at("enable-admission-plugins", "does not enable the NodeRestriction admission plugin")
}
