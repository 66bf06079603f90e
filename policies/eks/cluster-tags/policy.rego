# METADATA
# title: Clusters carry the required tags
# description: >-
#   Tags drive ownership, cost allocation and access policies (ABAC). A template: off until the required tag keys are configured with the awsRequiredTags parameter. Security Hub EKS.6.
# custom:
#   id: PLM-EKS-0008
#   severity: low
#   kinds: [eks/Cluster]
#   parameters: [awsRequiredTags: list]
#   remediation: "Tag the cluster with every key in awsRequiredTags."
#   command: "aws eks tag-resource --region {{region}} --resource-arn \"$(aws eks describe-cluster --region {{region}} --name {{name}} --query cluster.arn --output text)\" --tags ${TAGS:?set TAGS to key=value,... for the required tags}"
package plimsoll.eks.cluster_tags

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some k in aws.missing_tags
	v := {"msg": sprintf("%s has no %s tag", [aws.describe("EKS cluster"), k]), "path": ["metadata", "labels"]}
}
