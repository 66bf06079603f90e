# METADATA
# title: Clusters carry the required tags
# description: >-
#   A template: off until awsRequiredTags is configured. Security Hub ECS.14.
# custom:
#   id: PLM-ECS-0051
#   severity: low
#   kinds: [ecs/Cluster]
#   parameters: [awsRequiredTags: list]
#   remediation: "Tag the cluster with every key in awsRequiredTags."
#   command: "aws ecs tag-resource --region {{region}} --resource-arn \"$(aws ecs describe-clusters --region {{region}} --clusters {{name}} --query 'clusters[0].clusterArn' --output text)\" --tags ${TAGS:?set TAGS to key=k,value=v for each required tag}"
package plimsoll.ecs.cluster_tags

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some k in aws.missing_tags
	v := {"msg": sprintf("%s has no %s tag", [aws.describe("ECS cluster"), k]), "path": ["metadata", "labels"]}
}
