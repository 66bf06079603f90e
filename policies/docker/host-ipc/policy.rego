# METADATA
# title: Containers do not share the host's IPC namespace
# description: >-
#   A container in the host IPC namespace can read and write the host's shared memory segments. CIS Docker 5.17.
# custom:
#   id: PLM-DKR-0006
#   severity: high
#   kinds: [docker/Container]
#   remediation: "Remove --ipc host."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) without --ipc host"}
package plimsoll.docker.host_ipc

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	docker.host_config.IpcMode == "host"
	v := {"msg": sprintf("%s shares the host's IPC namespace (IpcMode: host)", [docker.container]), "path": ["data", "HostConfig", "IpcMode"]}
}
