# METADATA
# title: RBAC authorizes requests
# description: >-
#   Without RBAC, Roles and bindings have no effect and access falls to the other authorizers. CIS Kubernetes 1.2.8.
# custom:
#   id: PLM-CP-0008
#   severity: high
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Include RBAC in --authorization-mode (Node,RBAC)."
package plimsoll.controlplane.apiserver_authz_rbac

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.lists("authorization-mode", "RBAC")
	v := cp.at("authorization-mode", "does not use RBAC (--authorization-mode lacks RBAC)")
}
