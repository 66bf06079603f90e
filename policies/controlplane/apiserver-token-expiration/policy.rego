# METADATA
# title: Service account tokens are not given extended lifetimes
# description: >-
#   With --service-account-extend-token-expiration (the default), projected tokens are valid for a year when their pods ask for an hour, so a stolen token lasts. CIS Kubernetes 1.2.30.
# custom:
#   id: PLM-CP-0028
#   severity: medium
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Set --service-account-extend-token-expiration=false."
package plimsoll.controlplane.apiserver_token_expiration

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.false_value(object.get(cp.flags, "service-account-extend-token-expiration", "true"))
	v := cp.at("service-account-extend-token-expiration", "extends service account token lifetimes (--service-account-extend-token-expiration is not false)")
}
