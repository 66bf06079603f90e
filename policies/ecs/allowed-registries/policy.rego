# METADATA
# title: Images come from allowed registries
# description: >-
#   Images from arbitrary registries bypass the organisation scanning and signing. A template: off until allowedRegistries is configured (shared with the Kubernetes and Docker checks). CIS Docker 4.2, CIS EKS 5.1.4.
# custom:
#   id: PLM-ECS-0028
#   severity: high
#   kinds: [ecs/TaskDefinition]
#   parameters: [allowedRegistries: list]
#   remediation: "Mirror the image into an allowed registry (your ECR)."
#   command: {"manual": "the image must be mirrored into an allowed registry first"}
package plimsoll.ecs.allowed_registries

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	img := object.get(c, "image", "")
	not allowed(img)
	v := {"msg": sprintf("%s container %s runs %s from a registry not in allowedRegistries", [aws.describe("ECS task definition"), c.name, img]), "path": ["data", "containerDefinitions", i, "image"]}
}

allowed(img) if {
	some prefix in object.get(data.config, "allowedRegistries", [])
	startswith(img, prefix)
}
