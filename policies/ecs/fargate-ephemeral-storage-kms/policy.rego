# METADATA
# title: Fargate ephemeral storage is encrypted with a customer managed key
# description: >-
#   Fargate encrypts each task's ephemeral storage with a key AWS owns; a customer managed KMS
#   key (the cluster's managedStorageConfiguration) puts its use in CloudTrail and its access
#   under the account's key policy, and lets it be revoked. Applies to every cluster, since any
#   may run Fargate tasks. The ephemeral storage encryption recommendation of CIS AWS Compute
#   Services 2.0.
# custom:
#   id: PLM-ECS-0054
#   severity: low
#   kinds: [ecs/Cluster]
#   remediation: "Set configuration.managedStorageConfiguration.fargateEphemeralStorageKmsKeyId on the cluster to a customer managed KMS key (its key policy must let Fargate use it); new tasks use it."
#   command: "aws ecs update-cluster --region {{region}} --cluster {{name}} --configuration \"managedStorageConfiguration={fargateEphemeralStorageKmsKeyId=${KMS_KEY_ID:?set KMS_KEY_ID to the key id}}\""
package plimsoll.ecs.fargate_ephemeral_storage_kms

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	not aws.d.configuration.managedStorageConfiguration.fargateEphemeralStorageKmsKeyId
	v := {"msg": sprintf("%s encrypts Fargate ephemeral storage with an AWS owned key only (no fargateEphemeralStorageKmsKeyId)", [aws.describe("ECS cluster")]), "path": ["data", "configuration"]}
}
