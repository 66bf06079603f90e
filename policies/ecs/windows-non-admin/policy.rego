# METADATA
# title: Windows containers run as a non-administrator user
# description: >-
#   ContainerAdministrator (the default when no user is set) has full rights in the container and over its mounts. Security Hub ECS.21.
# custom:
#   id: PLM-ECS-0010
#   severity: medium
#   kinds: [ecs/TaskDefinition]
#   remediation: "Set user to ContainerUser or another non-administrator account."
#   command: {"manual": "the user must be one the image is built for (ContainerUser or another non-administrator)"}
package plimsoll.ecs.windows_non_admin

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	startswith(object.get(aws.d, ["runtimePlatform", "operatingSystemFamily"], ""), "WINDOWS")
	lower(object.get(c, "user", "containeradministrator")) == "containeradministrator"
	v := {"msg": sprintf("%s container %s runs as ContainerAdministrator", [aws.describe("ECS task definition"), c.name]), "path": ["data", "containerDefinitions", i, "user"]}
}

# Linux tasks are judged by the Linux user check.
not_applicable if not startswith(object.get(aws.d, ["runtimePlatform", "operatingSystemFamily"], ""), "WINDOWS")
