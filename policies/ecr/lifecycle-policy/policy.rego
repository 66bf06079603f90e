# METADATA
# title: Repositories have a lifecycle policy
# description: >-
#   Without a lifecycle policy old, unpatched images stay pullable forever (and cost storage). Security Hub ECR.3.
# custom:
#   id: PLM-ECR-0003
#   severity: low
#   kinds: [ecr/Repository]
#   needs: [data.lifecyclePolicy]
#   remediation: "Add a lifecycle policy that expires untagged and old images."
#   command: "aws ecr put-lifecycle-policy --region {{region}} --repository-name {{name}} --lifecycle-policy-text '{\"rules\":[{\"rulePriority\":1,\"description\":\"Expire untagged images after 14 days\",\"selection\":{\"tagStatus\":\"untagged\",\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":14},\"action\":{\"type\":\"expire\"}}]}'"
package plimsoll.ecr.lifecycle_policy

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	"lifecyclePolicy" in object.keys(aws.d)
	aws.d.lifecyclePolicy == null
	v := {"msg": sprintf("%s has no lifecycle policy", [aws.describe("ECR repository")]), "path": ["data", "lifecyclePolicy"]}
}
