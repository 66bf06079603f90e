# METADATA
# title: Containers have a CPU limit or share
# description: >-
#   Without a CPU quota or a CPU share other than the default (0, 2 or 1024), a busy container takes CPU from every other workload on the host. CIS Docker 5.12.
# custom:
#   id: PLM-CTD-0010
#   severity: low
#   kinds: [containerd/Container]
#   remediation: "Set --cpus or --cpu-shares (resources.limits.cpu in Kubernetes)."
package plimsoll.containerd.cpu_limit

import data.plimsoll.lib.containerd
import rego.v1

deny contains v if {
	containerd.workload
	not object.get(containerd.resources, ["cpu", "quota"], 0) > 0
	shares := object.get(containerd.resources, ["cpu", "shares"], 0)
	shares in {0, 2, 1024}
	v := {"msg": sprintf("%s has neither a CPU quota nor a CPU share (shares: %d)", [containerd.container, shares]), "path": ["spec", "linux", "resources"]}
}
