# METADATA
# title: Tasks do not use the default bridge network
# description: >-
#   On the docker0 bridge every task on the instance can reach every other; awsvpc gives each task its own interface and security groups. EC2 Linux tasks without networkMode use bridge. CIS Docker 5.30.
# custom:
#   id: PLM-ECS-0027
#   severity: low
#   kinds: [ecs/TaskDefinition]
#   remediation: "Use awsvpc network mode."
#   command: {"edit-task-definition": ".networkMode = \"awsvpc\" | .containerDefinitions[] |= (if .portMappings then .portMappings |= map(del(.hostPort)) else . end)"}
package plimsoll.ecs.bridge_network

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	mode := object.get(aws.d, "networkMode", "bridge")
	mode == "bridge"
	v := {"msg": sprintf("%s uses the default bridge network", [aws.describe("ECS task definition")]), "path": ["data", "networkMode"]}
}
