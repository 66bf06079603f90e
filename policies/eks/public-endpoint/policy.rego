# METADATA
# title: The cluster API endpoint is not public
# description: >-
#   A public API endpoint exposes the Kubernetes API server to the internet; only IAM authentication stands between it and anyone. Security Hub EKS.1, CIS EKS 5.4.2.
# custom:
#   id: PLM-EKS-0001
#   severity: high
#   kinds: [eks/Cluster]
#   remediation: "Set endpointPublicAccess to false and reach the API through the VPC (private endpoint, VPN or a bastion)."
#   command: "aws eks update-cluster-config --region {{region}} --name {{name}} --resources-vpc-config endpointPrivateAccess=true,endpointPublicAccess=false"
package plimsoll.eks.public_endpoint

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.d.resourcesVpcConfig.endpointPublicAccess == true
	v := {"msg": sprintf("%s has a public API endpoint", [aws.describe("EKS cluster")]), "path": ["data", "resourcesVpcConfig", "endpointPublicAccess"]}
}
