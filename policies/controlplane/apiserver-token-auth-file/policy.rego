# METADATA
# title: The API server takes no static token file
# description: >-
#   Static tokens are plain-text credentials that never expire and cannot be revoked without restarting the API server. CIS Kubernetes 1.2.2.
# custom:
#   id: PLM-CP-0002
#   severity: high
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Remove --token-auth-file and authenticate users through OIDC or client certificates."
package plimsoll.controlplane.apiserver_token_auth_file

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	cp.set("token-auth-file")
	v := cp.at("token-auth-file", "authenticates static tokens from --token-auth-file")
}
