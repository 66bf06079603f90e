# METADATA
# title: Linux containers run as a non-root user
# description: >-
#   Without user (or with root or 0) the container process runs as root. Windows containers are judged by PLM-ECS-0010. Security Hub ECS.20, CIS Docker 4.1.
# custom:
#   id: PLM-ECS-0009
#   severity: medium
#   kinds: [ecs/TaskDefinition]
#   remediation: "Set user to a non-root UID (and build the image for it)."
#   command: {"manual": "the non-root user must be one the image is built for"}
package plimsoll.ecs.non_root_user

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	not windows
	object.get(c, "user", "root") in {"root", "0", "0:0", "root:root"}
	v := {"msg": sprintf("%s container %s runs as root", [aws.describe("ECS task definition"), c.name]), "path": ["data", "containerDefinitions", i, "user"]}
}

windows if startswith(object.get(aws.d, ["runtimePlatform", "operatingSystemFamily"], ""), "WINDOWS")

# A Windows container's user is judged by the Windows check (PLM-ECS-0010).
not_applicable if windows
