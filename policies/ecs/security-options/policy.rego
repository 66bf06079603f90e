# METADATA
# title: Containers keep seccomp, AppArmor and SELinux confinement
# description: >-
#   dockerSecurityOptions such as seccomp:unconfined, apparmor:unconfined or label:disable switch off the kernel confinement of the container. CIS Docker 5.2, 5.3, 5.22.
# custom:
#   id: PLM-ECS-0026
#   severity: high
#   kinds: [ecs/TaskDefinition]
#   remediation: "Remove the option; write a custom profile if the default blocks something needed."
#   command: {"edit-task-definition": ".containerDefinitions[] |= (if .dockerSecurityOptions then .dockerSecurityOptions |= map(select(ascii_downcase | IN(\"seccomp:unconfined\", \"seccomp=unconfined\", \"apparmor:unconfined\", \"apparmor=unconfined\", \"label:disable\", \"label=disable\") | not)) else . end)"}
package plimsoll.ecs.security_options

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	some j, opt in object.get(c, "dockerSecurityOptions", [])
	lower(opt) in {"seccomp:unconfined", "seccomp=unconfined", "apparmor:unconfined", "apparmor=unconfined", "label:disable", "label=disable"}
	v := {"msg": sprintf("%s container %s sets %s", [aws.describe("ECS task definition"), c.name, opt]), "path": ["data", "containerDefinitions", i, "dockerSecurityOptions", j]}
}
