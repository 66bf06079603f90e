# METADATA
# title: Node groups carry the required tags
# description: >-
#   A template: off until awsRequiredTags is configured.
# custom:
#   id: PLM-EKS-0024
#   severity: low
#   kinds: [eks/Nodegroup]
#   parameters: [awsRequiredTags: list]
#   remediation: "Tag the node group with every key in awsRequiredTags."
#   command: "aws eks tag-resource --region {{region}} --resource-arn \"$(aws eks describe-nodegroup --region {{region}} --cluster-name {{parent}} --nodegroup-name {{child}} --query nodegroup.nodegroupArn --output text)\" --tags ${TAGS:?set TAGS to key=value,... for the required tags}"
package plimsoll.eks.nodegroup_tags

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some k in aws.missing_tags
	v := {"msg": sprintf("%s has no %s tag", [aws.describe("EKS node group"), k]), "path": ["metadata", "labels"]}
}
