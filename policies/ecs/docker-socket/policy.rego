# METADATA
# title: The container runtime socket is not mounted
# description: >-
#   A task that mounts docker.sock (or containerd.sock) can start privileged containers and take over the container instance and every task on it. CIS Docker 5.32.
# custom:
#   id: PLM-ECS-0018
#   severity: critical
#   kinds: [ecs/TaskDefinition]
#   remediation: "Remove the socket volume."
#   command: {"manual": "the tool using the socket needs another way to reach the runtime first"}
package plimsoll.ecs.docker_socket

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, vol in aws.d.volumes
	p := object.get(vol, ["host", "sourcePath"], "")
	aws.runtime_socket(p)
	v := {"msg": sprintf("%s mounts the runtime socket %s", [aws.describe("ECS task definition"), p]), "path": ["data", "volumes", i, "host", "sourcePath"]}
}
