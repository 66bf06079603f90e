# METADATA
# title: The API server rejects anonymous requests
# description: >-
#   With anonymous authentication on (the default), requests no authenticator claims are served as system:anonymous, and anything bound to system:unauthenticated is open to the network. CIS Kubernetes 1.2.1.
# custom:
#   id: PLM-CP-0001
#   severity: high
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Set --anonymous-auth=false on the API server (its static pod manifest)."
package plimsoll.controlplane.apiserver_anonymous_auth

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.false_value(object.get(cp.flags, "anonymous-auth", "true"))
	v := cp.at("anonymous-auth", "does not set --anonymous-auth=false (anonymous requests are served)")
}
