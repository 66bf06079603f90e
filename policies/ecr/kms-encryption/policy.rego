# METADATA
# title: Repositories are encrypted with a KMS key
# description: >-
#   The default AES256 encryption uses keys AWS manages for everyone, and so does KMS with the AWS managed aws/ecr key; a customer managed KMS key lets access to image layers be controlled and audited separately. Security Hub ECR.5. Who manages a key named by ARN is asked of KMS (DescribeKey); while that is unknown (the call refused or failed) the repository is NOT_ASSESSED.
# custom:
#   id: PLM-ECR-0005
#   severity: low
#   kinds: [ecr/Repository]
#   needs: [data.encryptionConfiguration.keyManager]
#   remediation: "Create repositories with encryptionType KMS and a customer managed key (the setting cannot be changed later: recreate and push again)."
#   command: {"manual": "the encryption of a repository is fixed at creation: create one with --encryption-configuration encryptionType=KMS,kmsKey=KEY and push the images again"}
package plimsoll.ecr.kms_encryption

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	t := object.get(aws.d, ["encryptionConfiguration", "encryptionType"], "AES256")
	not startswith(t, "KMS")
	v := {"msg": sprintf("%s is encrypted with %s, not a customer managed KMS key", [aws.describe("ECR repository"), t]), "path": ["data", "encryptionConfiguration"]}
}

deny contains v if {
	startswith(aws.d.encryptionConfiguration.encryptionType, "KMS")
	aws.d.encryptionConfiguration.keyManager == "AWS"
	v := {"msg": sprintf("%s is encrypted with the AWS managed key aws/ecr, not a customer managed KMS key", [aws.describe("ECR repository")]), "path": ["data", "encryptionConfiguration"]}
}
