# METADATA
# title: etcd members talk to each other over TLS
# description: >-
#   Without --peer-cert-file and --peer-key-file, replication between etcd members is in plain text. CIS Kubernetes 2.4.
# custom:
#   id: PLM-CP-0042
#   severity: high
#   kinds: [kubernetes/Etcd]
#   remediation: "Set --peer-cert-file and --peer-key-file on every member."
package plimsoll.controlplane.etcd_peer_tls

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.set("peer-cert-file")
	v := cp.at("peer-cert-file", "does not set --peer-cert-file")
}

deny contains v if {
	not cp.set("peer-key-file")
	v := cp.at("peer-key-file", "does not set --peer-key-file")
}
