# METADATA
# title: EC2 containers cannot gain new privileges
# description: >-
#   Without no-new-privileges in dockerSecurityOptions, setuid binaries can raise privileges inside the container. Only applies to the EC2 launch type (Fargate does not accept dockerSecurityOptions). CIS Docker 5.26.
# custom:
#   id: PLM-ECS-0025
#   severity: low
#   kinds: [ecs/TaskDefinition]
#   remediation: "Add \"no-new-privileges\" to dockerSecurityOptions."
#   command: {"edit-task-definition": ".containerDefinitions[].dockerSecurityOptions |= ((. // []) + [\"no-new-privileges\"] | unique)"}
package plimsoll.ecs.no_new_privileges

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	not fargate
	not "no-new-privileges" in object.get(c, "dockerSecurityOptions", [])
	v := {"msg": sprintf("%s container %s does not set no-new-privileges", [aws.describe("ECS task definition"), c.name]), "path": ["data", "containerDefinitions", i, "dockerSecurityOptions"]}
}

fargate if "FARGATE" in object.get(aws.d, "requiresCompatibilities", [])

# Fargate does not accept dockerSecurityOptions: nothing to set there.
not_applicable if fargate
