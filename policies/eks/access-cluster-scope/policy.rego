# METADATA
# title: Admin and edit access policies are scoped to namespaces
# description: >-
#   AmazonEKSAdminPolicy and AmazonEKSEditPolicy with cluster scope apply to every namespace, kube-system included; namespace scope limits them to the teams namespaces.
# custom:
#   id: PLM-EKS-0052
#   severity: medium
#   kinds: [eks/AccessEntry]
#   remediation: "Re-associate the policy with accessScope type namespace and the namespaces needed."
#   command: {"manual": "the namespaces are yours to choose (aws eks associate-access-policy --access-scope type=namespace,namespaces=...)"}
package plimsoll.eks.access_cluster_scope

import data.plimsoll.lib.aws
import rego.v1

broad := {"AmazonEKSAdminPolicy", "AmazonEKSEditPolicy"}

deny contains v if {
	some i, p in object.get(aws.d, "associatedAccessPolicies", [])
	parts := split(p.policyArn, "/")
	parts[count(parts) - 1] in broad
	p.accessScope.type == "cluster"
	v := {"msg": sprintf("%s gives %s to %s in every namespace", [aws.describe("EKS access entry"), parts[count(parts) - 1], aws.d.principalArn]), "path": ["data", "associatedAccessPolicies", i, "accessScope"]}
}
