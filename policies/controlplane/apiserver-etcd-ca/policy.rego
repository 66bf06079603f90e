# METADATA
# title: The API server verifies etcd's certificate
# description: >-
#   Without --etcd-cafile the connection to etcd can be intercepted. CIS Kubernetes 1.2.26.
# custom:
#   id: PLM-CP-0025
#   severity: high
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Set --etcd-cafile."
package plimsoll.controlplane.apiserver_etcd_ca

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.set("etcd-cafile")
	v := cp.at("etcd-cafile", "sets no --etcd-cafile")
}
