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
package plimsoll.ecs.container_insights

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	value := effective
	not value in {"enabled", "enhanced"}
	v := {"msg": sprintf("%s has Container Insights %s", [aws.describe("ECS cluster"), value]), "path": ["data", "settings"]}
}

effective := s.value if {
	some s in aws.d.settings
	s.name == "containerInsights"
} else := a.value if {
	some acct in object.get(data.inventory, "ecs/AccountSettings", [])
	acct.region == aws.region
	some a in acct.data.settings
	a.name == "containerInsights"
} else := "disabled"
