# METADATA
# title: Repositories are encrypted with a KMS key
# description: >-
#   The default AES256 encryption uses keys AWS manages for everyone; a KMS key lets access to image layers be controlled and audited separately. Security Hub ECR.5.
# custom:
#   id: PLM-ECR-0005
#   severity: low
#   kinds: [ecr/Repository]
#   remediation: "Create repositories with encryptionType KMS (the setting cannot be changed later: recreate and push again)."
package plimsoll.ecr.kms_encryption

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	t := object.get(aws.d, ["encryptionConfiguration", "encryptionType"], "AES256")
	not startswith(t, "KMS")
	v := {"msg": sprintf("%s is encrypted with %s, not a KMS key", [aws.describe("ECR repository"), t]), "path": ["data", "encryptionConfiguration"]}
}
