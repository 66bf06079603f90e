# METADATA
# title: Services carry the required tags
# description: >-
#   A template: off until awsRequiredTags is configured. Security Hub ECS.13.
# custom:
#   id: PLM-ECS-0042
#   severity: low
#   kinds: [ecs/Service]
#   parameters: [awsRequiredTags: list]
#   remediation: "Tag the service with every key in awsRequiredTags."
#   command: "aws ecs tag-resource --region {{region}} --resource-arn \"$(aws ecs describe-services --region {{region}} --cluster {{parent}} --services {{child}} --query 'services[0].serviceArn' --output text)\" --tags ${TAGS:?set TAGS to key=k,value=v for each required tag}"
package plimsoll.ecs.service_tags

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some k in aws.missing_tags
	v := {"msg": sprintf("%s has no %s tag", [aws.describe("ECS service"), k]), "path": ["metadata", "labels"]}
}
