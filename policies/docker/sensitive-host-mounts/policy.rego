# METADATA
# title: Containers do not mount sensitive host directories
# description: >-
#   Mounting the host's /, /boot, /dev, /etc, /lib, /proc, /sys or /usr (or a directory below them) lets the container read or change the host system; read-only mounts still expose secrets and configuration. CIS Docker 5.6.
# custom:
#   id: PLM-DKR-0003
#   severity: high
#   kinds: [docker/Container]
#   remediation: "Mount only application data directories or named volumes; never system directories of the host."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) without the host directory mount"}
package plimsoll.docker.sensitive_host_mounts

import data.plimsoll.lib.docker
import rego.v1

sensitive := ["/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr"]

deny contains v if {
	some i, m in docker.mounts
	m.Type == "bind"
	hits(m.Source)
	v := {"msg": sprintf("%s mounts host path %s at %s (%s)", [docker.container, m.Source, m.Destination, mode(m)]), "path": ["data", "Mounts", i, "Source"]}
}

hits(src) if src == "/"

hits(src) if {
	some dir in sensitive
	some prefix in [dir, concat("", [dir, "/"])]
	startswith(src, prefix)
	not startswith(src, "/dev/shm")
}

mode(m) := "read-write" if m.RW == true

mode(m) := "read-only" if m.RW != true
