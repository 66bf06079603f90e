# METADATA
# title: Fargate services run the latest platform version
# description: >-
#   Older Fargate platform versions miss runtime and kernel security fixes. LATEST, or the version in the ecsFargatePlatformVersion parameter (default 1.4.0 for Linux), passes. Security Hub ECS.10.
# custom:
#   id: PLM-ECS-0041
#   severity: medium
#   kinds: [ecs/Service]
#   options: [ecsFargatePlatformVersion: string]
#   remediation: "Set platformVersion to LATEST and redeploy."
#   command: "aws ecs update-service --region {{region}} --cluster {{parent}} --service {{child}} --platform-version LATEST --force-new-deployment"
package plimsoll.ecs.fargate_platform_version

import data.plimsoll.lib.aws
import rego.v1

latest := object.get(data.config, "ecsFargatePlatformVersion", "1.4.0")

deny contains v if {
	aws.d.launchType == "FARGATE"
	pv := object.get(aws.d, "platformVersion", "LATEST")
	not pv in {"LATEST", latest}
	object.get(aws.d, "platformFamily", "Linux") != "Windows"
	v := {"msg": sprintf("%s runs Fargate platform version %s, not %s", [aws.describe("ECS service"), pv, latest]), "path": ["data", "platformVersion"]}
}

# Services on EC2 or external instances, and Windows Fargate tasks (their platform versions
# are numbered apart), are not what this check judges.
not_applicable if object.get(aws.d, "launchType", "") != "FARGATE"

not_applicable if object.get(aws.d, "platformFamily", "Linux") == "Windows"
