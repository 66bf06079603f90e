# METADATA
# title: Containers do not mount sensitive host directories
# description: >-
#   Bind-mounting the host's /, /boot, /dev, /etc, /lib, /proc, /sys or /usr (or a directory below them) lets the container read or change the host system; read-only mounts still expose secrets and configuration. Read from the spec's mounts. CIS Docker 5.6.
# custom:
#   id: PLM-CTD-0003
#   severity: high
#   kinds: [containerd/Container]
#   remediation: "Mount only application data directories or named volumes; never system directories of the host."
package plimsoll.containerd.sensitive_host_mounts

import data.plimsoll.lib.containerd
import rego.v1

sensitive := ["/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr"]

deny contains v if {
	containerd.workload
	some i, m in containerd.mounts
	containerd.bind_mount(m)
	hits(m.source)
	v := {"msg": sprintf("%s mounts host path %s at %s (%s)", [containerd.container, m.source, m.destination, mode(m)]), "path": ["spec", "mounts", i, "source"]}
}

hits(src) if src == "/"

hits(src) if {
	some dir in sensitive
	some prefix in [dir, concat("", [dir, "/"])]
	startswith(src, prefix)
	not startswith(src, "/dev/shm")
}

mode(m) := "read-only" if containerd.read_only(m)

mode(m) := "read-write" if not containerd.read_only(m)
