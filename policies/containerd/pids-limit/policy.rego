# METADATA
# title: Containers have a PIDs limit
# description: >-
#   Without linux.resources.pids.limit a fork bomb in one container exhausts the host's process table. CIS Docker 5.29.
# custom:
#   id: PLM-CTD-0020
#   severity: medium
#   kinds: [containerd/Container]
#   remediation: "Set --pids-limit (podPidsLimit on the kubelet)."
package plimsoll.containerd.pids_limit

import data.plimsoll.lib.containerd
import rego.v1

deny contains v if {
	containerd.workload
	not object.get(containerd.resources, ["pids", "limit"], 0) > 0
	v := {"msg": sprintf("%s has no PIDs limit", [containerd.container]), "path": ["spec", "linux", "resources"]}
}
