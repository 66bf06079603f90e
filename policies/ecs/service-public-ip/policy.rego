# METADATA
# title: Services do not assign public IP addresses
# description: >-
#   With assignPublicIp ENABLED every task gets an internet-routable address; only its security groups protect it. Security Hub ECS.2.
# custom:
#   id: PLM-ECS-0040
#   severity: high
#   kinds: [ecs/Service]
#   remediation: "Set assignPublicIp to DISABLED and reach the internet through a NAT gateway."
#   command: "aws ecs update-service --region {{region}} --cluster {{parent}} --service {{child}} --network-configuration \"$(aws ecs describe-services --region {{region}} --cluster {{parent}} --services {{child}} --query 'services[0].networkConfiguration' | jq -c '.awsvpcConfiguration.assignPublicIp = \"DISABLED\"')\""
package plimsoll.ecs.service_public_ip

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.d.networkConfiguration.awsvpcConfiguration.assignPublicIp == "ENABLED"
	v := {"msg": sprintf("%s assigns public IP addresses to its tasks", [aws.describe("ECS service")]), "path": ["data", "networkConfiguration", "awsvpcConfiguration", "assignPublicIp"]}
}
