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
package plimsoll.ecs.cluster_tags

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some k in aws.missing_tags
	v := {"msg": sprintf("%s has no %s tag", [aws.describe("ECS cluster"), k]), "path": ["metadata", "labels"]}
}
