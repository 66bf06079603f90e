# METADATA
# title: Logs leave the instance
# description: >-
#   The json-file, journald and none drivers keep logs on the container instance (or drop them), where an intruder can erase them. CIS Docker 2.13.
# custom:
#   id: PLM-ECS-0013
#   severity: low
#   kinds: [ecs/TaskDefinition]
#   remediation: "Use awslogs, awsfirelens, splunk, fluentd or another remote driver."
#   command: {"edit-task-definition": ".containerDefinitions[] |= (if (.logConfiguration.logDriver // \"\") | IN(\"json-file\", \"journald\", \"none\", \"local\") then .logConfiguration = {logDriver: \"awslogs\", options: {\"awslogs-group\": (\"/ecs/\" + $family), \"awslogs-region\": $region, \"awslogs-stream-prefix\": \"ecs\", \"awslogs-create-group\": \"true\", mode: \"non-blocking\"}} else . end)"}
package plimsoll.ecs.remote_logging

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	c.logConfiguration.logDriver in {"json-file", "journald", "none", "local"}
	v := {"msg": sprintf("%s container %s logs locally (%s)", [aws.describe("ECS task definition"), c.name, c.logConfiguration.logDriver]), "path": ["data", "containerDefinitions", i, "logConfiguration", "logDriver"]}
}
