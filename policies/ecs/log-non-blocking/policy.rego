# METADATA
# title: Log delivery does not block the application
# description: >-
#   With the default blocking mode a slow or unreachable log destination stalls writes to stdout and so the application itself. Prowler ecs_task_definitions_logging_block_mode.
# custom:
#   id: PLM-ECS-0012
#   severity: low
#   kinds: [ecs/TaskDefinition]
#   remediation: "Set logConfiguration.options.mode to non-blocking (and a max-buffer-size)."
#   command: {"edit-task-definition": ".containerDefinitions[] |= (if .logConfiguration.logDriver then .logConfiguration.options.mode = \"non-blocking\" else . end)"}
package plimsoll.ecs.log_non_blocking

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	c.logConfiguration.logDriver
	object.get(c.logConfiguration.options, "mode", "blocking") != "non-blocking"
	v := {"msg": sprintf("%s container %s logs in blocking mode", [aws.describe("ECS task definition"), c.name]), "path": ["data", "containerDefinitions", i, "logConfiguration"]}
}
