# METADATA
# title: The API server does not authorize every request
# description: >-
#   AlwaysAllow (the default when --authorization-mode is not given) lets every authenticated request do anything. Authorization set in an --authorization-config file is not read and is reported here to be confirmed. CIS Kubernetes 1.2.6.
# custom:
#   id: PLM-CP-0006
#   severity: critical
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Set --authorization-mode=Node,RBAC (without AlwaysAllow)."
package plimsoll.controlplane.apiserver_authz_not_always_allow

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	cp.lists("authorization-mode", "AlwaysAllow")
	v := cp.at("authorization-mode", "authorizes every request (--authorization-mode includes AlwaysAllow)")
}

deny contains v if {
	not cp.set("authorization-mode")
	v := cp.at("authorization-mode", authz_unset)
}

authz_unset := "sets no --authorization-mode, so every request is authorized (AlwaysAllow)" if not cp.set("authorization-config")

authz_unset := "sets its authorizers in --authorization-config, which is not read: confirm it has no AlwaysAllow, then waive this finding" if cp.set("authorization-config")
