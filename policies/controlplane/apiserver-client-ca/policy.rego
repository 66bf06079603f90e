# METADATA
# title: Client certificates are verified against a CA
# description: >-
#   Without --client-ca-file client certificate authentication is off, and kubelets and components cannot authenticate with certificates. CIS Kubernetes 1.2.25.
# custom:
#   id: PLM-CP-0024
#   severity: high
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Set --client-ca-file."
package plimsoll.controlplane.apiserver_client_ca

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.set("client-ca-file")
	v := cp.at("client-ca-file", "sets no --client-ca-file")
}
