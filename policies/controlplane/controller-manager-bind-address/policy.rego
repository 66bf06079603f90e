# METADATA
# title: The controller manager listens on the loopback address only
# description: >-
#   Bound to every address (the default), its health and metrics endpoints are reachable from the network. CIS Kubernetes 1.3.7.
# custom:
#   id: PLM-CP-0036
#   severity: medium
#   kinds: [kubernetes/KubeControllerManager]
#   remediation: "Set --bind-address=127.0.0.1."
package plimsoll.controlplane.controller_manager_bind_address

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	object.get(cp.flags, "bind-address", "0.0.0.0") != "127.0.0.1"
	v := cp.at("bind-address", "listens on an address other than 127.0.0.1 (--bind-address)")
}
