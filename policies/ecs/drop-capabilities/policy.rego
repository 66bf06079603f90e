# METADATA
# title: Containers drop all capabilities they do not need
# description: >-
#   Dropping ALL and adding back only what is needed removes the default capabilities (NET_RAW, MKNOD, ...) an intruder would use. Not applicable to Windows.
# custom:
#   id: PLM-ECS-0016
#   severity: low
#   kinds: [ecs/TaskDefinition]
#   remediation: "Add \"ALL\" to linuxParameters.capabilities.drop."
#   command: {"edit-task-definition": ".containerDefinitions[].linuxParameters.capabilities.drop |= ((. // []) + [\"ALL\"] | unique)"}
package plimsoll.ecs.drop_capabilities

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	not "ALL" in object.get(c, ["linuxParameters", "capabilities", "drop"], [])
	not startswith(object.get(aws.d, ["runtimePlatform", "operatingSystemFamily"], ""), "WINDOWS")
	v := {"msg": sprintf("%s container %s keeps the default capabilities (no drop ALL)", [aws.describe("ECS task definition"), c.name]), "path": ["data", "containerDefinitions", i, "linuxParameters"]}
}

# Linux capabilities do not exist on Windows.
not_applicable if startswith(object.get(aws.d, ["runtimePlatform", "operatingSystemFamily"], ""), "WINDOWS")
