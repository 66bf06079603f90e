# METADATA
# title: Service account tokens are checked against etcd
# description: >-
#   Without the lookup, tokens of deleted service accounts keep working until they expire. CIS Kubernetes 1.2.21.
# custom:
#   id: PLM-CP-0020
#   severity: medium
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Set --service-account-lookup=true (the default; do not turn it off)."
package plimsoll.controlplane.apiserver_service_account_lookup

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.true_value(object.get(cp.flags, "service-account-lookup", "true"))
	v := cp.at("service-account-lookup", "does not check service account tokens against etcd (--service-account-lookup=false)")
}
