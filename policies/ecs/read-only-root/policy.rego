# METADATA
# title: Containers have a read-only root filesystem
# description: >-
#   A writable root filesystem lets an intruder change binaries and persist inside the container. Not set means writable. Windows containers are exempt (not supported there). Security Hub ECS.5, CIS Docker 5.13.
# custom:
#   id: PLM-ECS-0006
#   severity: medium
#   kinds: [ecs/TaskDefinition]
#   remediation: "Set readonlyRootFilesystem: true and mount volumes where the application writes."
#   command: {"edit-task-definition": ".containerDefinitions[].readonlyRootFilesystem = true"}
package plimsoll.ecs.read_only_root

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	object.get(c, "readonlyRootFilesystem", false) != true
	not windows
	v := {"msg": sprintf("%s container %s has a writable root filesystem", [aws.describe("ECS task definition"), c.name]), "path": ["data", "containerDefinitions", i]}
}

windows if startswith(object.get(aws.d, ["runtimePlatform", "operatingSystemFamily"], ""), "WINDOWS")

# Windows containers have no read-only root filesystem or Linux user to judge.
not_applicable if windows
