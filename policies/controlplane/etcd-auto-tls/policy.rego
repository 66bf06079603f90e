# METADATA
# title: etcd does not use self-signed client certificates
# description: >-
#   With --auto-tls etcd generates a self-signed certificate clients cannot verify. CIS Kubernetes 2.3.
# custom:
#   id: PLM-CP-0041
#   severity: high
#   kinds: [kubernetes/Etcd]
#   remediation: "Remove --auto-tls (or set it to false)."
package plimsoll.controlplane.etcd_auto_tls

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	cp.true_value(object.get(cp.flags, "auto-tls", "false"))
	v := cp.at("auto-tls", "uses self-signed client TLS (--auto-tls)")
}
