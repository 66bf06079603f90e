# METADATA
# title: ECS Exec sessions and their logs are encrypted
# description: >-
#   ECS Exec sessions should be encrypted with a KMS key of the account, and their logs written encrypted to CloudWatch or S3. Checkov CKV_AWS_224.
# custom:
#   id: PLM-ECS-0053
#   severity: medium
#   kinds: [ecs/Cluster]
#   remediation: "Set kmsKeyId and cloudWatchEncryptionEnabled (or s3EncryptionEnabled) in the execute-command configuration."
#   command: {"manual": "the KMS key and the log destination are yours to choose: aws ecs update-cluster --configuration executeCommandConfiguration={kmsKeyId=KEY,logging=OVERRIDE,logConfiguration={cloudWatchLogGroupName=GROUP,cloudWatchEncryptionEnabled=true}}"}
package plimsoll.ecs.exec_encryption

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	x := aws.d.configuration.executeCommandConfiguration
	object.get(x, "logging", "DEFAULT") != "NONE"
	not x.kmsKeyId
	v := {"msg": sprintf("%s does not encrypt ECS Exec sessions with a KMS key", [aws.describe("ECS cluster")]), "path": ["data", "configuration", "executeCommandConfiguration"]}
}

deny contains v if {
	x := aws.d.configuration.executeCommandConfiguration
	x.logging == "OVERRIDE"
	l := object.get(x, "logConfiguration", {})
	not encrypted_sink(l)
	v := {"msg": sprintf("%s writes ECS Exec logs unencrypted", [aws.describe("ECS cluster")]), "path": ["data", "configuration", "executeCommandConfiguration", "logConfiguration"]}
}

encrypted_sink(l) if {
	l.cloudWatchLogGroupName
	l.cloudWatchEncryptionEnabled == true
}

encrypted_sink(l) if {
	l.s3BucketName
	l.s3EncryptionEnabled == true
}
