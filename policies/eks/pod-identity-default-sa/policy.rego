# METADATA
# title: IAM roles go to dedicated service accounts
# description: >-
#   A pod identity association for the default service account gives the IAM role to every pod in the namespace that does not name its own service account. CIS EKS 5.2.1.
# custom:
#   id: PLM-EKS-0070
#   severity: medium
#   kinds: [eks/PodIdentityAssociation]
#   remediation: "Create a service account for the workload and associate the role with it."
#   command: {"manual": "the workload needs its own service account first"}
package plimsoll.eks.pod_identity_default_sa

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.d.serviceAccount == "default"
	v := {"msg": sprintf("%s gives role %s to the default service account of %s", [aws.describe("EKS pod identity association"), aws.d.roleArn, aws.d.namespace]), "path": ["data", "serviceAccount"]}
}
