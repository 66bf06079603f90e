# METADATA
# title: Containers do not share the host's process namespace
# description: >-
#   A container in the host PID namespace sees and can signal every process of the host and read their environment. CIS Docker 5.16.
# custom:
#   id: PLM-DKR-0005
#   severity: high
#   kinds: [docker/Container]
#   remediation: "Remove --pid host."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) without --pid host"}
package plimsoll.docker.host_pid

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	docker.host_config.PidMode == "host"
	v := {"msg": sprintf("%s shares the host's process namespace (PidMode: host)", [docker.container]), "path": ["data", "HostConfig", "PidMode"]}
}
