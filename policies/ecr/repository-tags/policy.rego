# METADATA
# title: Repositories carry the required tags
# description: >-
#   A template: off until awsRequiredTags is configured.
# custom:
#   id: PLM-ECR-0008
#   severity: low
#   kinds: [ecr/Repository]
#   needs: [data.tags]
#   parameters: [awsRequiredTags: list]
#   remediation: "Tag the repository with every key in awsRequiredTags."
#   command: "aws ecr tag-resource --region {{region}} --resource-arn \"$(aws ecr describe-repositories --region {{region}} --repository-names {{name}} --query 'repositories[0].repositoryArn' --output text)\" --tags ${TAGS:?set TAGS to Key=k,Value=v for each required tag}"
package plimsoll.ecr.repository_tags

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some k in aws.missing_tags
	v := {"msg": sprintf("%s has no %s tag", [aws.describe("ECR repository"), k]), "path": ["metadata", "labels"]}
}
