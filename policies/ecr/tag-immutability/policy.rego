# METADATA
# title: Image tags are immutable
# description: >-
#   With mutable tags, a push can silently replace what a deployed tag points to. Security Hub ECR.2.
# custom:
#   id: PLM-ECR-0002
#   severity: medium
#   kinds: [ecr/Repository]
#   remediation: "Set imageTagMutability to IMMUTABLE."
#   command: "aws ecr put-image-tag-mutability --region {{region}} --repository-name {{name}} --image-tag-mutability IMMUTABLE"
package plimsoll.ecr.tag_immutability

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	object.get(aws.d, "imageTagMutability", "MUTABLE") != "IMMUTABLE"
	not startswith(object.get(aws.d, "imageTagMutability", ""), "IMMUTABLE_WITH")
	v := {"msg": sprintf("%s has mutable tags", [aws.describe("ECR repository")]), "path": ["data", "imageTagMutability"]}
}
