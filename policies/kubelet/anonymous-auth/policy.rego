# METADATA
# title: The kubelet rejects anonymous requests
# description: >-
#   With anonymous authentication on, any request to the kubelet API (port 10250) that no authenticator rejects is served as system:anonymous; combined with a permissive authorization mode that is remote code execution in every pod on the node. CIS Kubernetes 4.2.1, CIS EKS 3.2.1.
# custom:
#   id: PLM-NODE-0001
#   severity: high
#   kinds: [kubernetes/KubeletConfiguration]
#   remediation: "Set authentication.anonymous.enabled: false in the kubelet configuration (or --anonymous-auth=false) and restart the kubelet."
package plimsoll.kubelet.anonymous_auth

import data.plimsoll.lib.kubelet
import rego.v1

deny contains v if {
	kubelet.anonymous_enabled == true
	v := {
		"msg": sprintf("%s accepts anonymous requests (authentication.anonymous.enabled: true)", [kubelet.node]),
		"path": ["authentication", "anonymous", "enabled"],
	}
}
