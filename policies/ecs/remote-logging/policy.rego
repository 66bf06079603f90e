# METADATA
# title: Logs leave the instance
# description: >-
#   The json-file, journald and none drivers keep logs on the container instance (or drop them), where an intruder can erase them. CIS Docker 2.13.
# custom:
#   id: PLM-ECS-0013
#   severity: low
#   kinds: [ecs/TaskDefinition]
#   remediation: "Use awslogs, awsfirelens, splunk, fluentd or another remote driver."
package plimsoll.ecs.remote_logging

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	c.logConfiguration.logDriver in {"json-file", "journald", "none", "local"}
	v := {"msg": sprintf("%s container %s logs locally (%s)", [aws.describe("ECS task definition"), c.name, c.logConfiguration.logDriver]), "path": ["data", "containerDefinitions", i, "logConfiguration", "logDriver"]}
}
