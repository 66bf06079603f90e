# METADATA
# title: The task role is not the execution role
# description: >-
#   The execution role pulls images and reads secrets for the ECS agent; the task role is what the application code gets. Using one role for both gives the application the agent permissions. Checkov CKV_AWS_249.
# custom:
#   id: PLM-ECS-0014
#   severity: low
#   kinds: [ecs/TaskDefinition]
#   remediation: "Create a separate task role with only what the application needs."
#   command: {"manual": "a separate task role needs the permissions the application uses, which only its owners know"}
package plimsoll.ecs.separate_roles

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.d.taskRoleArn
	aws.d.taskRoleArn == aws.d.executionRoleArn
	v := {"msg": sprintf("%s uses %s as both task and execution role", [aws.describe("ECS task definition"), aws.d.taskRoleArn]), "path": ["data", "taskRoleArn"]}
}
