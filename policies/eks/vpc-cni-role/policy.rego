# METADATA
# title: The VPC CNI uses its own IAM role
# description: >-
#   Without a service account role or pod identity association, the vpc-cni add-on uses the node role, so every pod on the node that reaches instance metadata gets permission to change the node network interfaces.
# custom:
#   id: PLM-EKS-0041
#   severity: medium
#   kinds: [eks/Addon]
#   remediation: "Give the vpc-cni add-on an IAM role (IRSA serviceAccountRoleArn or a pod identity association) with AmazonEKS_CNI_Policy, and remove that policy from the node role."
#   command: "aws eks update-addon --region {{region}} --cluster-name {{parent}} --addon-name {{child}} --service-account-role-arn \"${ROLE_ARN:?set ROLE_ARN to a role with AmazonEKS_CNI_Policy}\""
package plimsoll.eks.vpc_cni_role

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.d.addonName == "vpc-cni"
	not aws.d.serviceAccountRoleArn
	count(object.get(aws.d, "podIdentityAssociations", [])) == 0
	v := {"msg": sprintf("%s runs with the node role", [aws.describe("EKS add-on")]), "path": ["data"]}
}
