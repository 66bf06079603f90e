# METADATA
# title: The Docker socket is not mounted into containers
# description: >-
#   A container with the Docker (or containerd, or Podman) socket can start a privileged container and take the host. CIS Docker 5.32.
# custom:
#   id: PLM-DKR-0021
#   severity: critical
#   kinds: [docker/Container]
#   remediation: "Remove the socket mount; give CI jobs a rootless builder or a socket proxy that allows only what they need."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) without the Docker socket mount"}
package plimsoll.docker.docker_socket

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	some i, m in docker.mounts
	regex.match(`(docker|containerd|podman)\.sock$`, m.Source)
	v := {"msg": sprintf("%s mounts the runtime socket %s at %s", [docker.container, m.Source, m.Destination]), "path": ["data", "Mounts", i, "Source"]}
}
