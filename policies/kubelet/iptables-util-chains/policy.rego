# METADATA
# title: The kubelet manages its iptables chains
# description: >-
#   With makeIPTablesUtilChains off, the kubelet does not keep its KUBE-* iptables chains in sync with pod networking, and hand-maintained rules drift from the cluster's state. CIS Kubernetes 4.2.6, CIS EKS 3.2.6.
# custom:
#   id: PLM-NODE-0006
#   severity: low
#   kinds: [kubernetes/KubeletConfiguration]
#   remediation: "Set makeIPTablesUtilChains: true (the default) and restart the kubelet."
package plimsoll.kubelet.iptables_util_chains

import data.plimsoll.lib.kubelet
import rego.v1

deny contains v if {
	kubelet.setting("makeIPTablesUtilChains") == false
	v := {
		"msg": sprintf("%s does not manage its iptables chains (makeIPTablesUtilChains: false)", [kubelet.node]),
		"path": ["makeIPTablesUtilChains"],
	}
}
