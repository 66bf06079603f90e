# METADATA
# title: EFS volumes use encryption in transit
# description: >-
#   Without transitEncryption ENABLED, file data travels between the task and EFS in clear text. Security Hub ECS.18.
# custom:
#   id: PLM-ECS-0011
#   severity: medium
#   kinds: [ecs/TaskDefinition]
#   remediation: "Set transitEncryption: ENABLED on the EFS volume configuration."
#   command: {"edit-task-definition": ".volumes[] |= (if .efsVolumeConfiguration then .efsVolumeConfiguration.transitEncryption = \"ENABLED\" else . end)"}
package plimsoll.ecs.efs_transit_encryption

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, vol in aws.d.volumes
	vol.efsVolumeConfiguration
	object.get(vol.efsVolumeConfiguration, "transitEncryption", "DISABLED") != "ENABLED"
	v := {"msg": sprintf("%s volume %s mounts EFS without encryption in transit", [aws.describe("ECS task definition"), vol.name]), "path": ["data", "volumes", i, "efsVolumeConfiguration"]}
}
