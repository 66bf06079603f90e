# METADATA
# title: Task definitions do not use host network mode
# description: >-
#   Host network mode shares the instance network namespace: containers can bind any port and reach services on the host loopback, and security groups cannot tell tasks apart. Security Hub ECS.17, CIS Docker 5.10.
# custom:
#   id: PLM-ECS-0002
#   severity: medium
#   kinds: [ecs/TaskDefinition]
#   remediation: "Use awsvpc network mode."
#   command: {"edit-task-definition": ".networkMode = \"awsvpc\" | .containerDefinitions[] |= (if .portMappings then .portMappings |= map(del(.hostPort)) else . end)"}
package plimsoll.ecs.host_network

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.d.networkMode == "host"
	v := {"msg": sprintf("%s uses host network mode", [aws.describe("ECS task definition")]), "path": ["data", "networkMode"]}
}
