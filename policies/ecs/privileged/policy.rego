# METADATA
# title: Containers are not privileged
# description: >-
#   A privileged container has every capability and all host devices: it is root on the container instance. Security Hub ECS.4, CIS Docker 5.5.
# custom:
#   id: PLM-ECS-0005
#   severity: high
#   kinds: [ecs/TaskDefinition]
#   remediation: "Remove privileged: true; add the single capability needed instead."
#   command: {"edit-task-definition": ".containerDefinitions[] |= del(.privileged)"}
package plimsoll.ecs.privileged

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	c.privileged == true
	v := {"msg": sprintf("%s container %s is privileged", [aws.describe("ECS task definition"), c.name]), "path": ["data", "containerDefinitions", i, "privileged"]}
}
