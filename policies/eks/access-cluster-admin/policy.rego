# METADATA
# title: Access entries grant cluster-admin only to allowed principals
# description: >-
#   AmazonEKSClusterAdminPolicy is cluster-admin. Principals listed in the eksAdminPrincipals parameter (ARN patterns) are accepted; every other principal with it is a finding. The AWS side of CIS EKS 4.1.1.
# custom:
#   id: PLM-EKS-0050
#   severity: high
#   kinds: [eks/AccessEntry]
#   options: [eksAdminPrincipals: list]
#   remediation: "Associate a narrower access policy (AmazonEKSEditPolicy, namespace-scoped), or list the principal in eksAdminPrincipals with the reason."
#   command: "aws eks disassociate-access-policy --region {{region}} --cluster-name {{parent}} --principal-arn {{child}} --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
package plimsoll.eks.access_cluster_admin

import data.plimsoll.lib.aws
import rego.v1

admins := object.get(data.config, "eksAdminPrincipals", [])

deny contains v if {
	some i, p in object.get(aws.d, "associatedAccessPolicies", [])
	endswith(p.policyArn, "/AmazonEKSClusterAdminPolicy")
	not allowed
	v := {"msg": sprintf("%s gives cluster-admin to %s", [aws.describe("EKS access entry"), aws.d.principalArn]), "path": ["data", "associatedAccessPolicies", i, "policyArn"]}
}

allowed if {
	some pattern in admins
	glob.match(pattern, [], aws.d.principalArn)
}
