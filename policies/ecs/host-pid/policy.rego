# METADATA
# title: Task definitions do not share the host's process namespace
# description: >-
#   pidMode host lets containers see and signal every process on the instance. Security Hub ECS.3, CIS Docker 5.16.
# custom:
#   id: PLM-ECS-0003
#   severity: high
#   kinds: [ecs/TaskDefinition]
#   remediation: "Remove pidMode host (or use task)."
#   command: {"edit-task-definition": "del(.pidMode)"}
package plimsoll.ecs.host_pid

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.d.pidMode == "host"
	v := {"msg": sprintf("%s shares the host process namespace", [aws.describe("ECS task definition")]), "path": ["data", "pidMode"]}
}
