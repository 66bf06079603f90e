# METADATA
# title: API server profiling is off
# description: >-
#   The profiling endpoints reveal details of the system and can be used to exhaust it. CIS Kubernetes 1.2.15.
# custom:
#   id: PLM-CP-0015
#   severity: low
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Set --profiling=false."
package plimsoll.controlplane.apiserver_profiling

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.false_value(object.get(cp.flags, "profiling", "true"))
	v := cp.at("profiling", "does not set --profiling=false")
}
