# METADATA
# title: Containers add no capabilities beyond the allowed set
# description: >-
#   Added capabilities such as SYS_ADMIN or NET_ADMIN give a container near-root power over the instance. Capabilities in the dockerAllowedCapabilities parameter are accepted. CIS Docker 5.4.
# custom:
#   id: PLM-ECS-0015
#   severity: high
#   kinds: [ecs/TaskDefinition]
#   remediation: "Remove the capability from linuxParameters.capabilities.add, or allow it in dockerAllowedCapabilities with the reason."
#   command: {"manual": "whether the application needs the capability is its owners' call: remove it from linuxParameters.capabilities.add, or allow it"}
package plimsoll.ecs.capabilities

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	some j, cap in object.get(c, ["linuxParameters", "capabilities", "add"], [])
	not upper(trim_prefix(upper(cap), "CAP_")) in aws.allowed_capabilities
	v := {"msg": sprintf("%s container %s adds capability %s", [aws.describe("ECS task definition"), c.name, cap]), "path": ["data", "containerDefinitions", i, "linuxParameters", "capabilities", "add", j]}
}
