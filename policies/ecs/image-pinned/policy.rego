# METADATA
# title: Images are pinned by digest
# description: >-
#   A tag (latest above all) can be moved to different content; a digest (@sha256:...) always means the same image, so what was scanned is what runs.
# custom:
#   id: PLM-ECS-0029
#   severity: low
#   kinds: [ecs/TaskDefinition]
#   remediation: "Reference the image by digest (registry/repo@sha256:...)."
#   command: {"manual": "the digest to pin is the one you tested"}
package plimsoll.ecs.image_pinned

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, c in aws.d.containerDefinitions
	img := object.get(c, "image", "")
	not contains(img, "@sha256:")
	v := {"msg": sprintf("%s container %s uses the mutable reference %s", [aws.describe("ECS task definition"), c.name, img]), "path": ["data", "containerDefinitions", i, "image"]}
}
