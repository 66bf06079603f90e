# METADATA
# title: The kubelet serves with a proper TLS certificate
# description: >-
#   Without tlsCertFile/tlsPrivateKeyFile (and without serverTLSBootstrap, which obtains a serving certificate from the cluster CA) the kubelet generates a self-signed certificate that nothing can verify. CIS Kubernetes 4.2.9.
# custom:
#   id: PLM-NODE-0008
#   severity: medium
#   kinds: [kubernetes/KubeletConfiguration]
#   remediation: "Set tlsCertFile and tlsPrivateKeyFile to a certificate signed by a CA the API server trusts, or set serverTLSBootstrap: true and approve the kubelet's serving CSRs."
package plimsoll.kubelet.tls_cert_file

import data.plimsoll.lib.kubelet
import rego.v1

deny contains v if {
	not kubelet.setting("serverTLSBootstrap") == true
	some field in ["tlsCertFile", "tlsPrivateKeyFile"]
	not set(field)
	v := {
		"msg": sprintf("%s has no %s and no serverTLSBootstrap: it serves a self-signed certificate", [kubelet.node, field]),
		"path": [field],
	}
}

set(field) if {
	is_string(input[field])
	input[field] != ""
}
