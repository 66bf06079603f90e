# METADATA
# title: Containers get no secrets through plain environment variables
# description: >-
#   Environment variables in a task definition are readable by anyone who can describe it and end up in logs. AWS credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, ECS_ENGINE_AUTH_DATA) and any value that looked like a credential at collection (the value itself is never stored) are findings. Security Hub ECS.8.
# custom:
#   id: PLM-ECS-0007
#   severity: critical
#   kinds: [ecs/TaskDefinition]
#   remediation: "Move the value to Secrets Manager or SSM Parameter Store and reference it under secrets (valueFrom); use the task role instead of access keys."
#   command: {"manual": "each secret must be stored (Secrets Manager or SSM) and referenced under secrets: which values are secrets is a person's call"}
package plimsoll.ecs.environment_secrets

import data.plimsoll.lib.aws
import rego.v1

names := {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"}

deny contains v if {
	some i, c in aws.d.containerDefinitions
	some j, e in object.get(c, "environment", [])
	flagged(e)
	v := {"msg": sprintf("%s container %s passes %s in a plain environment variable", [aws.describe("ECS task definition"), c.name, e.name]), "path": ["data", "containerDefinitions", i, "environment", j, "name"]}
}

flagged(e) if e.name in names

flagged(e) if e.secretLike == true
