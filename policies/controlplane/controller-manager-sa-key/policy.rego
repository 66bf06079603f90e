# METADATA
# title: Service account tokens are signed with a named key
# description: >-
#   Without --service-account-private-key-file tokens cannot be signed with a key that can be rotated apart. CIS Kubernetes 1.3.4.
# custom:
#   id: PLM-CP-0033
#   severity: medium
#   kinds: [kubernetes/KubeControllerManager]
#   remediation: "Set --service-account-private-key-file."
package plimsoll.controlplane.controller_manager_sa_key

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.set("service-account-private-key-file")
	v := cp.at("service-account-private-key-file", "sets no --service-account-private-key-file")
}
