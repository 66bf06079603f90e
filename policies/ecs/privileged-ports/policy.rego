# METADATA
# title: Containers do not bind privileged host ports
# description: >-
#   A hostPort below 1024 needs root-level binding on the instance and often collides with host services. CIS Docker 5.8.
# custom:
#   id: PLM-ECS-0023
#   severity: low
#   kinds: [ecs/TaskDefinition]
#   remediation: "Map the container to a host port of 1024 or above, or use awsvpc mode behind a load balancer."
#   command: {"manual": "the port clients use must change with it"}
package plimsoll.ecs.privileged_ports

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	some j, p in c.portMappings
	hp := object.get(p, "hostPort", 0)
	hp > 0
	hp < 1024
	v := {"msg": sprintf("%s container %s binds host port %d", [aws.describe("ECS task definition"), c.name, hp]), "path": ["data", "containerDefinitions", i, "portMappings", j, "hostPort"]}
}
