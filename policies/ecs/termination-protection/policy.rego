# METADATA
# title: Capacity providers protect instances running tasks
# description: >-
#   Without managed termination protection, scale-in can terminate container instances that still run tasks. Security Hub ECS.19.
# custom:
#   id: PLM-ECS-0060
#   severity: medium
#   kinds: [ecs/CapacityProvider]
#   remediation: "Enable managedTerminationProtection (with managed scaling and instance scale-in protection on the Auto Scaling group)."
#   command: "aws ecs update-capacity-provider --region {{region}} --name {{name}} --auto-scaling-group-provider 'managedScaling={status=ENABLED},managedTerminationProtection=ENABLED'"
package plimsoll.ecs.termination_protection

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	asg := aws.d.autoScalingGroupProvider
	object.get(asg, "managedTerminationProtection", "DISABLED") != "ENABLED"
	v := {"msg": sprintf("%s lets scale-in terminate instances with running tasks", [aws.describe("ECS capacity provider")]), "path": ["data", "autoScalingGroupProvider", "managedTerminationProtection"]}
}
