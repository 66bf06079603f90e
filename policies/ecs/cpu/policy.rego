# METADATA
# title: Containers have a CPU share
# description: >-
#   Without cpu on the container and no task-level cpu, a busy container competes equally with everything on the instance. CIS Docker 5.12.
# custom:
#   id: PLM-ECS-0021
#   severity: low
#   kinds: [ecs/TaskDefinition]
#   remediation: "Set cpu on the container or the task."
#   command: {"edit-task-definition": ".cpu //= ($ENV.CPU_UNITS // error(\"set CPU_UNITS to the task CPU units, e.g. 256\"))"}
package plimsoll.ecs.cpu

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	not object.get(c, "cpu", 0) > 0
	not aws.d.cpu
	v := {"msg": sprintf("%s container %s has no CPU share", [aws.describe("ECS task definition"), c.name]), "path": ["data", "containerDefinitions", i, "cpu"]}
}
