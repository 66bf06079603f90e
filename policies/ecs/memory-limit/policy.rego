# METADATA
# title: Containers have a memory limit
# description: >-
#   Without memory or memoryReservation on the container, and no task-level memory, one container can exhaust the instance memory. CIS Docker 5.11.
# custom:
#   id: PLM-ECS-0020
#   severity: medium
#   kinds: [ecs/TaskDefinition]
#   remediation: "Set memory (hard limit) on the container or the task."
#   command: {"edit-task-definition": ".memory //= ($ENV.MEMORY_MIB // error(\"set MEMORY_MIB to the task memory in MiB\"))"}
package plimsoll.ecs.memory_limit

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	not object.get(c, "memory", 0) > 0
	not object.get(c, "memoryReservation", 0) > 0
	not aws.d.memory
	v := {"msg": sprintf("%s container %s has no memory limit", [aws.describe("ECS task definition"), c.name]), "path": ["data", "containerDefinitions", i]}
}
