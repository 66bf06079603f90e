# METADATA
# title: The API server authenticates to kubelets with a client certificate
# description: >-
#   Without a client certificate the API server cannot authenticate to kubelets that require it, and kubelets end up accepting unauthenticated requests. CIS Kubernetes 1.2.4.
# custom:
#   id: PLM-CP-0004
#   severity: high
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Set --kubelet-client-certificate and --kubelet-client-key."
package plimsoll.controlplane.apiserver_kubelet_client_cert

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.set("kubelet-client-certificate")
	v := cp.at("kubelet-client-certificate", "does not set --kubelet-client-certificate")
}

deny contains v if {
	not cp.set("kubelet-client-key")
	v := cp.at("kubelet-client-key", "does not set --kubelet-client-key")
}
