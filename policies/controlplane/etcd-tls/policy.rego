# METADATA
# title: etcd serves clients over TLS
# description: >-
#   Without --cert-file and --key-file etcd serves the whole cluster state, Secrets included, in plain text. CIS Kubernetes 2.1.
# custom:
#   id: PLM-CP-0039
#   severity: critical
#   kinds: [kubernetes/Etcd]
#   remediation: "Set --cert-file and --key-file on etcd."
package plimsoll.controlplane.etcd_tls

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.set("cert-file")
	v := cp.at("cert-file", "does not set --cert-file")
}

deny contains v if {
	not cp.set("key-file")
	v := cp.at("key-file", "does not set --key-file")
}
