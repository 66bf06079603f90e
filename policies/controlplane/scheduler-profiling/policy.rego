# METADATA
# title: Scheduler profiling is off
# description: >-
#   The profiling endpoints reveal details of the system and can be used to exhaust it. Profiling turned off in a --config file is not read here. CIS Kubernetes 1.4.1.
# custom:
#   id: PLM-CP-0037
#   severity: low
#   kinds: [kubernetes/KubeScheduler]
#   remediation: "Set --profiling=false (or enableProfiling: false in its configuration file)."
package plimsoll.controlplane.scheduler_profiling

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.false_value(object.get(cp.flags, "profiling", "true"))
	v := cp.at("profiling", "does not set --profiling=false")
}
