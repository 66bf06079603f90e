# METADATA
# title: The kubelet authorizes requests
# description: >-
#   In AlwaysAllow mode the kubelet serves every authenticated request (exec, logs, port-forward) without asking the API server whether the caller may; Webhook mode delegates the decision to RBAC. CIS Kubernetes 4.2.2, CIS EKS 3.2.2.
# custom:
#   id: PLM-NODE-0002
#   severity: high
#   kinds: [kubernetes/KubeletConfiguration]
#   remediation: "Set authorization.mode: Webhook in the kubelet configuration (or --authorization-mode=Webhook) and restart the kubelet."
package plimsoll.kubelet.authorization_mode

import data.plimsoll.lib.kubelet
import rego.v1

deny contains v if {
	kubelet.authorization_mode == "AlwaysAllow"
	v := {
		"msg": sprintf("%s authorizes every request (authorization.mode: AlwaysAllow)", [kubelet.node]),
		"path": ["authorization", "mode"],
	}
}
