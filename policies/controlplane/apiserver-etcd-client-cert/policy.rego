# METADATA
# title: The API server authenticates to etcd with a client certificate
# description: >-
#   Without it etcd must accept unauthenticated clients, and anyone who reaches it holds the cluster. CIS Kubernetes 1.2.23.
# custom:
#   id: PLM-CP-0022
#   severity: high
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Set --etcd-certfile and --etcd-keyfile."
package plimsoll.controlplane.apiserver_etcd_client_cert

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.set("etcd-certfile")
	v := cp.at("etcd-certfile", "does not set --etcd-certfile")
}

deny contains v if {
	not cp.set("etcd-keyfile")
	v := cp.at("etcd-keyfile", "does not set --etcd-keyfile")
}
