# METADATA
# title: Task definitions carry the required tags
# description: >-
#   A template: off until awsRequiredTags is configured. Security Hub ECS.15.
# custom:
#   id: PLM-ECS-0030
#   severity: low
#   kinds: [ecs/TaskDefinition]
#   parameters: [awsRequiredTags: list]
#   remediation: "Tag the task definition with every key in awsRequiredTags."
#   command: "aws ecs tag-resource --region {{region}} --resource-arn \"$(aws ecs describe-task-definition --region {{region}} --task-definition {{name}} --query taskDefinition.taskDefinitionArn --output text)\" --tags ${TAGS:?set TAGS to key=k,value=v for each required tag}"
package plimsoll.ecs.task_definition_tags

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some k in aws.missing_tags
	v := {"msg": sprintf("%s has no %s tag", [aws.describe("ECS task definition"), k]), "path": ["metadata", "labels"]}
}
