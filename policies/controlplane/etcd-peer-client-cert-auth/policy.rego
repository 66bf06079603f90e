# METADATA
# title: etcd members authenticate each other
# description: >-
#   Without --peer-client-cert-auth=true anything that reaches the peer port can join or read the replication stream. CIS Kubernetes 2.5.
# custom:
#   id: PLM-CP-0043
#   severity: high
#   kinds: [kubernetes/Etcd]
#   remediation: "Set --peer-client-cert-auth=true on every member."
package plimsoll.controlplane.etcd_peer_client_cert_auth

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.true_value(object.get(cp.flags, "peer-client-cert-auth", "false"))
	v := cp.at("peer-client-cert-auth", "does not require peer certificates (--peer-client-cert-auth)")
}
