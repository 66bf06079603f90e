# METADATA
# title: Essential containers have a health check
# description: >-
#   Without a health check ECS restarts a container only when it exits; a hung process keeps serving errors. CIS Docker 4.6 / 5.27.
# custom:
#   id: PLM-ECS-0022
#   severity: low
#   kinds: [ecs/TaskDefinition]
#   remediation: "Add a healthCheck command."
#   command: {"manual": "the health check command is the application's own"}
package plimsoll.ecs.health_check

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	object.get(c, "essential", true) == true
	count(object.get(c, ["healthCheck", "command"], [])) == 0
	v := {"msg": sprintf("%s container %s has no health check", [aws.describe("ECS task definition"), c.name]), "path": ["data", "containerDefinitions", i]}
}
