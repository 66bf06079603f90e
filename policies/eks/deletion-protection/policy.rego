# METADATA
# title: Deletion protection is enabled
# description: >-
#   Deletion protection stops a cluster being deleted by mistake or by a compromised automation role until it is turned off explicitly.
# custom:
#   id: PLM-EKS-0011
#   severity: low
#   kinds: [eks/Cluster]
#   remediation: "Enable deletion protection (aws eks update-cluster-config --deletion-protection)."
#   command: "aws eks update-cluster-config --region {{region}} --name {{name}} --deletion-protection"
package plimsoll.eks.deletion_protection

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	object.get(aws.d, "deletionProtection", false) != true
	v := {"msg": sprintf("%s can be deleted without first lifting deletion protection", [aws.describe("EKS cluster")]), "path": ["data"]}
}
