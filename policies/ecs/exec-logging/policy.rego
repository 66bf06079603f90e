# METADATA
# title: ECS Exec sessions are logged
# description: >-
#   With executeCommandConfiguration logging NONE, commands run through ECS Exec leave no trace. Checkov CKV_AWS_223.
# custom:
#   id: PLM-ECS-0052
#   severity: medium
#   kinds: [ecs/Cluster]
#   remediation: "Set logging to DEFAULT (awslogs of the task) or OVERRIDE with a CloudWatch log group or S3 bucket."
#   command: "aws ecs update-cluster --region {{region}} --cluster {{name}} --configuration 'executeCommandConfiguration={logging=DEFAULT}'"
package plimsoll.ecs.exec_logging

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	object.get(aws.d, ["configuration", "executeCommandConfiguration", "logging"], "DEFAULT") == "NONE"
	v := {"msg": sprintf("%s does not log ECS Exec sessions", [aws.describe("ECS cluster")]), "path": ["data", "configuration", "executeCommandConfiguration", "logging"]}
}
