# METADATA
# title: etcd members do not use self-signed certificates
# description: >-
#   With --peer-auto-tls members use self-signed certificates and cannot verify each other. CIS Kubernetes 2.6.
# custom:
#   id: PLM-CP-0044
#   severity: high
#   kinds: [kubernetes/Etcd]
#   remediation: "Remove --peer-auto-tls (or set it to false)."
package plimsoll.controlplane.etcd_peer_auto_tls

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	cp.true_value(object.get(cp.flags, "peer-auto-tls", "false"))
	v := cp.at("peer-auto-tls", "uses self-signed peer TLS (--peer-auto-tls)")
}
