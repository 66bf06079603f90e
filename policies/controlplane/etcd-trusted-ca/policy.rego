# METADATA
# title: etcd trusts a CA of its own
# description: >-
#   Without --trusted-ca-file etcd cannot verify client certificates; CIS also asks that this CA not be the cluster CA (not compared here). CIS Kubernetes 2.7.
# custom:
#   id: PLM-CP-0045
#   severity: medium
#   kinds: [kubernetes/Etcd]
#   remediation: "Set --trusted-ca-file to a CA used only for etcd."
package plimsoll.controlplane.etcd_trusted_ca

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.set("trusted-ca-file")
	v := cp.at("trusted-ca-file", "sets no --trusted-ca-file")
}
