# METADATA
# title: Containers send their logs somewhere
# description: >-
#   A container without logConfiguration keeps its logs only on the instance (EC2) or loses them (Fargate). Security Hub ECS.9.
# custom:
#   id: PLM-ECS-0008
#   severity: high
#   kinds: [ecs/TaskDefinition]
#   remediation: "Add a logConfiguration (awslogs or awsfirelens)."
#   command: {"edit-task-definition": ".containerDefinitions[] |= (if .logConfiguration.logDriver then . else .logConfiguration = {logDriver: \"awslogs\", options: {\"awslogs-group\": (\"/ecs/\" + $family), \"awslogs-region\": $region, \"awslogs-stream-prefix\": \"ecs\", \"awslogs-create-group\": \"true\", mode: \"non-blocking\"}} end)"}
package plimsoll.ecs.logging

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	not c.logConfiguration.logDriver
	v := {"msg": sprintf("%s container %s has no log configuration", [aws.describe("ECS task definition"), c.name]), "path": ["data", "containerDefinitions", i]}
}
