# METADATA
# title: Task sets do not assign public IP addresses
# description: >-
#   A task set (external or CodeDeploy deployments) with assignPublicIp ENABLED gives its tasks internet-routable addresses. Security Hub ECS.16.
# custom:
#   id: PLM-ECS-0043
#   severity: high
#   kinds: [ecs/Service]
#   remediation: "Create the task set with assignPublicIp DISABLED."
#   command: {"manual": "a task set's network configuration is fixed at creation: create a task set with assignPublicIp DISABLED and move the traffic to it"}
package plimsoll.ecs.task_set_public_ip

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, ts in aws.d.taskSets
	ts.networkConfiguration.awsvpcConfiguration.assignPublicIp == "ENABLED"
	v := {"msg": sprintf("%s task set %s assigns public IP addresses", [aws.describe("ECS service"), ts.id]), "path": ["data", "taskSets", i, "networkConfiguration"]}
}
