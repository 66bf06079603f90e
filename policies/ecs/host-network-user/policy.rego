# METADATA
# title: Host-network tasks do not run containers as root unprivileged
# description: >-
#   In host network mode, a container that runs as root without privileged: true has the host network stack with root rights it did not explicitly ask for; Security Hub required either an explicit privileged flag or a non-root user (ECS.1, retired by Security Hub in March 2026 in favour of ECS.4, ECS.17 and ECS.20, which PLM-ECS-0005, 0002 and 0009 implement).
# custom:
#   id: PLM-ECS-0001
#   severity: high
#   kinds: [ecs/TaskDefinition]
#   remediation: "Use awsvpc network mode, or run the container as a non-root user."
#   command: {"edit-task-definition": ".networkMode = \"awsvpc\" | .containerDefinitions[] |= (if .portMappings then .portMappings |= map(del(.hostPort)) else . end)"}
package plimsoll.ecs.host_network_user

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.d.networkMode == "host"
	some i, c in aws.d.containerDefinitions
	object.get(c, "privileged", false) != true
	object.get(c, "user", "root") in {"root", "0", "0:0", "root:root"}
	v := {"msg": sprintf("%s container %s uses the host network as root", [aws.describe("ECS task definition"), c.name]), "path": ["data", "containerDefinitions", i, "user"]}
}
