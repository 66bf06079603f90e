# METADATA
# title: The API server offers strong TLS ciphers only
# description: >-
#   Go's default cipher list (used when --tls-cipher-suites is not given) includes CBC and RSA key exchange suites. CIS Kubernetes 1.2.29.
# custom:
#   id: PLM-CP-0027
#   severity: medium
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Set --tls-cipher-suites to suites from the strong list (ECDHE with AES-GCM or ChaCha20-Poly1305, or TLS 1.3 suites)."
package plimsoll.controlplane.apiserver_tls_ciphers

import data.plimsoll.lib.controlplane as cp
import rego.v1

strong := {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"}

deny contains v if {
	not cp.set("tls-cipher-suites")
	v := cp.at("tls-cipher-suites", "offers Go's default TLS ciphers (no --tls-cipher-suites)")
}

deny contains v if {
	some suite in split(cp.value("tls-cipher-suites"), ",")
	not trim_space(suite) in strong
	v := cp.at("tls-cipher-suites", sprintf("offers the weak TLS cipher %s", [trim_space(suite)]))
}
