# METADATA
# title: Containers have a memory limit
# description: >-
#   Without linux.resources.memory.limit one container can exhaust the host's memory and have the kernel kill other workloads. CIS Docker 5.11.
# custom:
#   id: PLM-CTD-0009
#   severity: medium
#   kinds: [containerd/Container]
#   remediation: "Set a memory limit (--memory, resources.limits.memory in Kubernetes)."
package plimsoll.containerd.memory_limit

import data.plimsoll.lib.containerd
import rego.v1

deny contains v if {
	containerd.workload
	not object.get(containerd.resources, ["memory", "limit"], 0) > 0
	v := {"msg": sprintf("%s has no memory limit", [containerd.container]), "path": ["spec", "linux", "resources"]}
}
