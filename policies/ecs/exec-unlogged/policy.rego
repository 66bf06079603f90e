# METADATA
# title: Services with ECS Exec log the sessions
# description: >-
#   ECS Exec opens a shell in running tasks. When the cluster execute-command logging is NONE (or not configured), nothing records what was run.
# custom:
#   id: PLM-ECS-0044
#   severity: medium
#   kinds: [ecs/Service]
#   inventory: [ecs/Cluster]
#   remediation: "Set the cluster executeCommandConfiguration logging to DEFAULT or OVERRIDE with a log destination, or disable enableExecuteCommand."
#   command: "aws ecs update-cluster --region {{region}} --cluster {{parent}} --configuration 'executeCommandConfiguration={logging=DEFAULT}'"
package plimsoll.ecs.exec_unlogged

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.d.enableExecuteCommand == true
	some c in object.get(data.inventory, "ecs/Cluster", [])
	c.metadata.name == aws.d.clusterName
	c.region == aws.region
	object.get(c.data, ["configuration", "executeCommandConfiguration", "logging"], "NONE") == "NONE"
	v := {"msg": sprintf("%s allows ECS Exec but cluster %s does not log sessions", [aws.describe("ECS service"), aws.d.clusterName]), "path": ["data", "enableExecuteCommand"]}
}
