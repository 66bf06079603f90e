# METADATA
# title: A public API endpoint is not open to every address
# description: >-
#   When the endpoint is public, publicAccessCidrs limits who can reach it; 0.0.0.0/0 (the default) or ::/0 lets the whole internet try. CIS EKS 5.4.1.
# custom:
#   id: PLM-EKS-0002
#   severity: high
#   kinds: [eks/Cluster]
#   remediation: "Restrict publicAccessCidrs to the addresses that need the API, or disable public access."
#   command: "aws eks update-cluster-config --region {{region}} --name {{name}} --resources-vpc-config publicAccessCidrs=\"${CIDRS:?set CIDRS to the addresses that need the API}\""
package plimsoll.eks.public_endpoint_cidrs

import data.plimsoll.lib.aws
import rego.v1

open_cidrs := {"0.0.0.0/0", "::/0"}

deny contains v if {
	aws.d.resourcesVpcConfig.endpointPublicAccess == true
	some i, c in object.get(aws.d.resourcesVpcConfig, "publicAccessCidrs", [])
	c in open_cidrs
	v := {"msg": sprintf("%s accepts API connections from %s", [aws.describe("EKS cluster"), c]), "path": ["data", "resourcesVpcConfig", "publicAccessCidrs", i]}
}

deny contains v if {
	aws.d.resourcesVpcConfig.endpointPublicAccess == true
	not aws.d.resourcesVpcConfig.publicAccessCidrs
	v := {"msg": sprintf("%s has a public endpoint without publicAccessCidrs (AWS defaults to 0.0.0.0/0)", [aws.describe("EKS cluster")]), "path": ["data", "resourcesVpcConfig"]}
}
