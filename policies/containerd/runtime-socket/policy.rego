# METADATA
# title: Container runtime sockets are not mounted into containers
# description: >-
#   A container that can reach the Docker, containerd, CRI-O or Podman socket can start a privileged container and take over the host. CIS Docker 5.32.
# custom:
#   id: PLM-CTD-0021
#   severity: critical
#   kinds: [containerd/Container]
#   remediation: "Remove the socket mount; give tools that need the engine a narrowly scoped API proxy instead."
package plimsoll.containerd.runtime_socket

import data.plimsoll.lib.containerd
import rego.v1

sockets := ["docker.sock", "containerd.sock", "crio.sock", "podman.sock", "dockershim.sock"]

deny contains v if {
	containerd.workload
	some i, m in containerd.mounts
	containerd.bind_mount(m)
	some s in sockets
	some p in [m.source, m.destination]
	endswith(p, concat("/", ["", s]))
	v := {"msg": sprintf("%s mounts the runtime socket %s at %s", [containerd.container, m.source, m.destination]), "path": ["spec", "mounts", i, "source"]}
}
