# METADATA
# title: Service account tokens are verified with a named key
# description: >-
#   Without --service-account-key-file the API server verifies tokens with its TLS key, so keys cannot be rotated apart. CIS Kubernetes 1.2.22.
# custom:
#   id: PLM-CP-0021
#   severity: medium
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Set --service-account-key-file to the public key of the controller manager's --service-account-private-key-file."
package plimsoll.controlplane.apiserver_service_account_key

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.set("service-account-key-file")
	v := cp.at("service-account-key-file", "sets no --service-account-key-file")
}
