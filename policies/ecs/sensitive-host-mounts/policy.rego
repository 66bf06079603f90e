# METADATA
# title: Containers do not mount sensitive host paths
# description: >-
#   A host volume of /, /etc, /proc, /sys, /var/lib/docker or another system directory lets the container read or change the container instance. CIS Docker 5.6.
# custom:
#   id: PLM-ECS-0017
#   severity: high
#   kinds: [ecs/TaskDefinition]
#   remediation: "Use task-scoped volumes, EFS or named Docker volumes instead of system directories of the host."
#   command: {"manual": "the data the container needs must move to another volume first"}
package plimsoll.ecs.sensitive_host_mounts

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, vol in aws.d.volumes
	p := object.get(vol, ["host", "sourcePath"], "")
	aws.sensitive_path(p)
	not aws.runtime_socket(p)
	v := {"msg": sprintf("%s mounts host path %s (volume %s)", [aws.describe("ECS task definition"), p, vol.name]), "path": ["data", "volumes", i, "host", "sourcePath"]}
}
