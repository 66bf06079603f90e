# METADATA
# title: Fargate profiles carry the required tags
# description: >-
#   A template: off until awsRequiredTags is configured.
# custom:
#   id: PLM-EKS-0031
#   severity: low
#   kinds: [eks/FargateProfile]
#   parameters: [awsRequiredTags: list]
#   remediation: "Tag the profile with every key in awsRequiredTags."
#   command: "aws eks tag-resource --region {{region}} --resource-arn \"$(aws eks describe-fargate-profile --region {{region}} --cluster-name {{parent}} --fargate-profile-name {{child}} --query fargateProfile.fargateProfileArn --output text)\" --tags ${TAGS:?set TAGS to key=value,... for the required tags}"
package plimsoll.eks.fargate_tags

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some k in aws.missing_tags
	v := {"msg": sprintf("%s has no %s tag", [aws.describe("EKS Fargate profile"), k]), "path": ["metadata", "labels"]}
}
