# METADATA
# title: Containers are not interactive
# description: >-
#   interactive and pseudoTerminal are debugging settings: a production container with a TTY and open stdin invites attaching to it.
# custom:
#   id: PLM-ECS-0031
#   severity: low
#   kinds: [ecs/TaskDefinition]
#   remediation: "Remove interactive and pseudoTerminal."
#   command: {"edit-task-definition": ".containerDefinitions[] |= del(.interactive, .pseudoTerminal)"}
package plimsoll.ecs.interactive

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	true in {object.get(c, "interactive", false), object.get(c, "pseudoTerminal", false)}
	v := {"msg": sprintf("%s container %s has interactive or pseudoTerminal set", [aws.describe("ECS task definition"), c.name]), "path": ["data", "containerDefinitions", i]}
}
