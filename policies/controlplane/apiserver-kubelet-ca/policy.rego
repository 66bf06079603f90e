# METADATA
# title: The API server verifies kubelets' serving certificates
# description: >-
#   Without --kubelet-certificate-authority the API server's connections to kubelets can be intercepted. CIS Kubernetes 1.2.5.
# custom:
#   id: PLM-CP-0005
#   severity: high
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Set --kubelet-certificate-authority to the CA that signs the kubelets' serving certificates."
package plimsoll.controlplane.apiserver_kubelet_ca

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.set("kubelet-certificate-authority")
	v := cp.at("kubelet-certificate-authority", "does not verify kubelet serving certificates (no --kubelet-certificate-authority)")
}
