# METADATA
# title: The API server serves TLS with a named certificate
# description: >-
#   Without --tls-cert-file and --tls-private-key-file the API server serves a self-signed certificate clients cannot verify. CIS Kubernetes 1.2.24.
# custom:
#   id: PLM-CP-0023
#   severity: high
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Set --tls-cert-file and --tls-private-key-file."
package plimsoll.controlplane.apiserver_tls

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.set("tls-cert-file")
	v := cp.at("tls-cert-file", "does not set --tls-cert-file")
}

deny contains v if {
	not cp.set("tls-private-key-file")
	v := cp.at("tls-private-key-file", "does not set --tls-private-key-file")
}
