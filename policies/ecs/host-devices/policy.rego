# METADATA
# title: Containers are not given host devices
# description: >-
#   A host device in linuxParameters.devices gives the container direct access to hardware or kernel interfaces. CIS Docker 5.18.
# custom:
#   id: PLM-ECS-0019
#   severity: medium
#   kinds: [ecs/TaskDefinition]
#   remediation: "Remove the device, or pass it with the narrowest permissions."
#   command: {"edit-task-definition": ".containerDefinitions[] |= del(.linuxParameters.devices)"}
package plimsoll.ecs.host_devices

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	some j, dev in object.get(c, ["linuxParameters", "devices"], [])
	v := {"msg": sprintf("%s container %s is given host device %s", [aws.describe("ECS task definition"), c.name, dev.hostPath]), "path": ["data", "containerDefinitions", i, "linuxParameters", "devices", j]}
}
