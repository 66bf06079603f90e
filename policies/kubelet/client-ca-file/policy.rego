# METADATA
# title: The kubelet verifies client certificates
# description: >-
#   Without a client CA file the kubelet cannot authenticate callers by certificate, so the API server's own requests (logs, exec) are not verified as coming from the control plane. CIS Kubernetes 4.2.3, CIS EKS 3.2.3.
# custom:
#   id: PLM-NODE-0003
#   severity: medium
#   kinds: [kubernetes/KubeletConfiguration]
#   remediation: Set authentication.x509.clientCAFile to the cluster CA bundle (or --client-ca-file) and restart the kubelet.
package plimsoll.kubelet.client_ca_file

import data.plimsoll.lib.kubelet
import rego.v1

deny contains v if {
	not has_client_ca
	v := {
		"msg": sprintf("%s has no client CA file (authentication.x509.clientCAFile is not set)", [kubelet.node]),
		"path": ["authentication", "x509", "clientCAFile"],
	}
}

has_client_ca if {
	ca := input.authentication.x509.clientCAFile
	is_string(ca)
	ca != ""
}
