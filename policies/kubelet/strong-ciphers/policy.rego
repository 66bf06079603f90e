# METADATA
# title: The kubelet uses only strong TLS cipher suites
# description: >-
#   Without tlsCipherSuites the kubelet accepts Go's default suites, including CBC-mode ones with a history of attacks. The allowed set is CIS's: ECDHE with AES-GCM or ChaCha20-Poly1305, and RSA key exchange with AES-GCM. CIS Kubernetes 4.2.12.
# custom:
#   id: PLM-NODE-0011
#   severity: medium
#   kinds: [kubernetes/KubeletConfiguration]
#   remediation: Set tlsCipherSuites to a subset of TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 and restart the kubelet.
package plimsoll.kubelet.strong_ciphers

import data.plimsoll.lib.kubelet
import rego.v1

strong := {
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
	"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
	"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"TLS_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_RSA_WITH_AES_128_GCM_SHA256",
}

deny contains v if {
	count(object.get(input, "tlsCipherSuites", [])) == 0
	v := {
		"msg": sprintf("%s accepts Go's default cipher suites, weak ones included (tlsCipherSuites is not set)", [kubelet.node]),
		"path": ["tlsCipherSuites"],
	}
}

deny contains v if {
	some i, suite in input.tlsCipherSuites
	not suite in strong
	v := {
		"msg": sprintf("%s allows the weak cipher suite %s", [kubelet.node, suite]),
		"path": ["tlsCipherSuites", i],
	}
}
