# METADATA
# title: The scheduler listens on the loopback address only
# description: >-
#   Bound to every address (the default), its health and metrics endpoints are reachable from the network. CIS Kubernetes 1.4.2.
# custom:
#   id: PLM-CP-0038
#   severity: medium
#   kinds: [kubernetes/KubeScheduler]
#   remediation: "Set --bind-address=127.0.0.1."
package plimsoll.controlplane.scheduler_bind_address

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	object.get(cp.flags, "bind-address", "0.0.0.0") != "127.0.0.1"
	v := cp.at("bind-address", "listens on an address other than 127.0.0.1 (--bind-address)")
}
