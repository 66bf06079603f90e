# METADATA
# title: The cluster API has a private endpoint
# description: >-
#   Without the private endpoint, nodes and workloads in the VPC reach the API server over the public internet. CIS EKS 5.4.2.
# custom:
#   id: PLM-EKS-0003
#   severity: medium
#   kinds: [eks/Cluster]
#   remediation: "Set endpointPrivateAccess to true."
#   command: "aws eks update-cluster-config --region {{region}} --name {{name}} --resources-vpc-config endpointPrivateAccess=true"
package plimsoll.eks.private_endpoint

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.d.resourcesVpcConfig.endpointPrivateAccess != true
	v := {"msg": sprintf("%s has no private API endpoint", [aws.describe("EKS cluster")]), "path": ["data", "resourcesVpcConfig", "endpointPrivateAccess"]}
}
