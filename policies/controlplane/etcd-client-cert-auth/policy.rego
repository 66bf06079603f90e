# METADATA
# title: etcd requires client certificates
# description: >-
#   Without --client-cert-auth=true anyone who reaches etcd's client port can read and write the cluster state. CIS Kubernetes 2.2.
# custom:
#   id: PLM-CP-0040
#   severity: critical
#   kinds: [kubernetes/Etcd]
#   remediation: "Set --client-cert-auth=true on etcd."
package plimsoll.controlplane.etcd_client_cert_auth

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.true_value(object.get(cp.flags, "client-cert-auth", "false"))
	v := cp.at("client-cert-auth", "does not require client certificates (--client-cert-auth)")
}
