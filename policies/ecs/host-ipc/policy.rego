# METADATA
# title: Task definitions do not share the host's IPC namespace
# description: >-
#   ipcMode host lets containers read and write the shared memory of every process on the instance. CIS Docker 5.17.
# custom:
#   id: PLM-ECS-0004
#   severity: high
#   kinds: [ecs/TaskDefinition]
#   remediation: "Remove ipcMode host (use task or none)."
#   command: {"edit-task-definition": "del(.ipcMode)"}
package plimsoll.ecs.host_ipc

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.d.ipcMode == "host"
	v := {"msg": sprintf("%s shares the host IPC namespace", [aws.describe("ECS task definition")]), "path": ["data", "ipcMode"]}
}
