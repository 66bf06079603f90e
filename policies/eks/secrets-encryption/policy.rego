# METADATA
# title: Kubernetes secrets are envelope-encrypted with a KMS key
# description: >-
#   Envelope encryption with a customer-managed KMS key protects secrets in etcd beyond the default encryption and lets access to them be audited and revoked. An empty encryptionConfig means none. Security Hub EKS.3, CIS EKS 5.3.1.
# custom:
#   id: PLM-EKS-0004
#   severity: medium
#   kinds: [eks/Cluster]
#   remediation: "Associate a KMS key with the cluster for secrets (aws eks associate-encryption-config)."
#   command: "aws eks associate-encryption-config --region {{region}} --cluster-name {{name}} --encryption-config \"[{\\\"resources\\\":[\\\"secrets\\\"],\\\"provider\\\":{\\\"keyArn\\\":\\\"${KMS_KEY_ARN:?set KMS_KEY_ARN to the key}\\\"}}]\""
package plimsoll.eks.secrets_encryption

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	not encrypted
	v := {"msg": sprintf("%s does not encrypt secrets with a KMS key", [aws.describe("EKS cluster")]), "path": ["data", "encryptionConfig"]}
}

encrypted if {
	some e in object.get(aws.d, "encryptionConfig", [])
	"secrets" in object.get(e, "resources", [])
	e.provider.keyArn != ""
}
