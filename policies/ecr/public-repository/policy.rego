# METADATA
# title: Repositories are not open to everyone
# description: >-
#   A repository policy that allows Principal "*" (or AWS "*") without a condition lets any AWS account pull (or push) images.
# custom:
#   id: PLM-ECR-0004
#   severity: critical
#   kinds: [ecr/Repository]
#   needs: [data.repositoryPolicy]
#   remediation: "Name the accounts or roles in the policy, or add a condition such as aws:PrincipalOrgID."
#   command: "aws ecr delete-repository-policy --region {{region}} --repository-name {{name}}"
package plimsoll.ecr.public_repository

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, st in statements
	st.Effect == "Allow"
	everyone(st.Principal)
	not st.Condition
	v := {"msg": sprintf("%s allows %v to everyone", [aws.describe("ECR repository"), object.get(st, "Action", "?")]), "path": ["data", "repositoryPolicy", "Statement", i]}
}

statements := s if {
	s := aws.d.repositoryPolicy.Statement
	is_array(s)
} else := [aws.d.repositoryPolicy.Statement] if {
	is_object(aws.d.repositoryPolicy.Statement)
} else := []

everyone(p) if p == "*"

everyone(p) if p.AWS == "*"

everyone(p) if "*" in p.AWS
