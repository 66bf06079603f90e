# METADATA
# title: Node groups do not use Amazon Linux 2 AMIs
# description: >-
#   Amazon Linux 2 reached end of support for EKS AMIs (no AL2 AMIs from Kubernetes 1.33 on; patches end with AL2 itself). Amazon Linux 2023 or Bottlerocket are the maintained choices.
# custom:
#   id: PLM-EKS-0026
#   severity: medium
#   kinds: [eks/Nodegroup]
#   remediation: "Move the node group to an AL2023 or Bottlerocket AMI type."
#   command: {"manual": "a node group's AMI type is fixed at creation: create an AL2023 or Bottlerocket node group and drain this one"}
package plimsoll.eks.nodegroup_al2

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	startswith(aws.d.amiType, "AL2_")
	v := {"msg": sprintf("%s uses Amazon Linux 2 (%s)", [aws.describe("EKS node group"), aws.d.amiType]), "path": ["data", "amiType"]}
}
