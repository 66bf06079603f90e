# METADATA
# title: Container Insights is enabled
# description: >-
#   Container Insights collects task and service metrics and performance logs needed to notice and investigate abuse. A cluster without its own setting follows the account default (ecs/AccountSettings). Security Hub ECS.12.
# custom:
#   id: PLM-ECS-0050
#   severity: medium
#   kinds: [ecs/Cluster]
#   inventory: [ecs/AccountSettings]
#   remediation: "Enable containerInsights (enabled or enhanced) on the cluster or as the account default."
#   command: "aws ecs update-cluster-settings --region {{region}} --cluster {{name}} --settings name=containerInsights,value=enabled"
package plimsoll.ecs.container_insights

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	value := effective
	not value in {"enabled", "enhanced"}
	v := {"msg": sprintf("%s has Container Insights %s", [aws.describe("ECS cluster"), value]), "path": ["data", "settings"]}
}

# Written without `else` after a body with `some ... in`: regorus 0.14.1's RVM (the compiled
# path) returns undefined instead of taking the `else` when such a loop finds nothing.
cluster_setting := [s.value | some s in aws.d.settings; s.name == "containerInsights"]

account_setting := [a.value |
	some acct in object.get(data.inventory, "ecs/AccountSettings", [])
	acct.region == aws.region
	some a in acct.data.settings
	a.name == "containerInsights"
]

effective := cluster_setting[0] if count(cluster_setting) > 0
else := account_setting[0] if count(account_setting) > 0
else := "disabled"
