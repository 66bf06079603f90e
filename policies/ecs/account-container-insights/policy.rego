# METADATA
# title: New clusters get Container Insights by default
# description: >-
#   The account setting containerInsights decides whether new clusters are created with Container Insights.
# custom:
#   id: PLM-ECS-0070
#   severity: low
#   kinds: [ecs/AccountSettings]
#   remediation: "aws ecs put-account-setting-default --name containerInsights --value enabled"
#   command: "aws ecs put-account-setting-default --region {{region}} --name containerInsights --value enabled"
package plimsoll.ecs.account_container_insights

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	not enabled
	v := {"msg": sprintf("account default Container Insights is off in %s", [aws.region]), "path": ["data", "settings"]}
}

enabled if {
	some s in aws.d.settings
	s.name == "containerInsights"
	s.value in {"enabled", "enhanced"}
}
