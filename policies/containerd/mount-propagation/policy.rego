# METADATA
# title: Mounts do not use shared propagation
# description: >-
#   A mount (or the root filesystem) with shared propagation lets mounts made inside the container appear on the host and the other way round. CIS Docker 5.20.
# custom:
#   id: PLM-CTD-0015
#   severity: medium
#   kinds: [containerd/Container]
#   remediation: "Use private or slave propagation (the default); remove :shared / :rshared from the mount."
package plimsoll.containerd.mount_propagation

import data.plimsoll.lib.containerd
import rego.v1

deny contains v if {
	containerd.workload
	some i, m in containerd.mounts
	some o in object.get(m, "options", [])
	o in {"shared", "rshared"}
	v := {"msg": sprintf("%s mounts %s with %s propagation", [containerd.container, m.destination, o]), "path": ["spec", "mounts", i, "options"]}
}

deny contains v if {
	containerd.workload
	p := object.get(containerd.linux, "rootfsPropagation", "")
	p in {"shared", "rshared"}
	v := {"msg": sprintf("%s has %s root filesystem propagation", [containerd.container, p]), "path": ["spec", "linux", "rootfsPropagation"]}
}
