# METADATA
# title: Workloads can get their own IAM roles
# description: >-
#   Without an OIDC issuer (IAM roles for service accounts) and without pod identity associations, pods can only use the node role, which every pod on the node shares. CIS EKS 5.2.1.
# custom:
#   id: PLM-EKS-0013
#   severity: low
#   kinds: [eks/Cluster]
#   inventory: [eks/PodIdentityAssociation]
#   remediation: "Use EKS Pod Identity (install the eks-pod-identity-agent add-on) or create the IAM OIDC provider for IRSA."
#   command: "aws eks create-addon --region {{region}} --cluster-name {{name}} --addon-name eks-pod-identity-agent"
package plimsoll.eks.workload_identity

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	object.get(aws.d, ["identity", "oidc", "issuer"], "") == ""
	not has_pod_identity
	v := {"msg": sprintf("%s has neither an OIDC issuer nor pod identity associations", [aws.describe("EKS cluster")]), "path": ["data", "identity"]}
}

has_pod_identity if {
	some a in object.get(data.inventory, "eks/PodIdentityAssociation", [])
	a.data.clusterName == aws.name
	a.region == aws.region
}
