# METADATA
# title: Each controller uses its own service account
# description: >-
#   Without it every controller acts with the controller manager's own broad credentials. CIS Kubernetes 1.3.3.
# custom:
#   id: PLM-CP-0032
#   severity: medium
#   kinds: [kubernetes/KubeControllerManager]
#   remediation: "Set --use-service-account-credentials=true."
package plimsoll.controlplane.controller_manager_sa_credentials

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.true_value(object.get(cp.flags, "use-service-account-credentials", "false"))
	v := cp.at("use-service-account-credentials", "does not give controllers their own credentials (--use-service-account-credentials)")
}
