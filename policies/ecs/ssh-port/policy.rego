# METADATA
# title: Containers do not expose SSH
# description: >-
#   Port 22 in a container means an SSH daemon in it: another way in, with its own keys to manage. Use ECS Exec for debugging instead. CIS Docker 5.7.
# custom:
#   id: PLM-ECS-0024
#   severity: medium
#   kinds: [ecs/TaskDefinition]
#   remediation: "Remove the SSH port mapping and the daemon."
#   command: {"manual": "remove the SSH daemon from the image and the port mapping; use ECS Exec instead"}
package plimsoll.ecs.ssh_port

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	some j, p in c.portMappings
	22 in {object.get(p, "containerPort", 0), object.get(p, "hostPort", 0)}
	v := {"msg": sprintf("%s container %s exposes port 22", [aws.describe("ECS task definition"), c.name]), "path": ["data", "containerDefinitions", i, "portMappings", j]}
}
