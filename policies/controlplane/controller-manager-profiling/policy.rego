# METADATA
# title: Controller manager profiling is off
# description: >-
#   The profiling endpoints reveal details of the system and can be used to exhaust it. CIS Kubernetes 1.3.2.
# custom:
#   id: PLM-CP-0031
#   severity: low
#   kinds: [kubernetes/KubeControllerManager]
#   remediation: "Set --profiling=false."
package plimsoll.controlplane.controller_manager_profiling

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.false_value(object.get(cp.flags, "profiling", "true"))
	v := cp.at("profiling", "does not set --profiling=false")
}
