# METADATA
# title: Node groups run the control plane version
# description: >-
#   Nodes older than the control plane miss kubelet fixes and block the next control-plane upgrade once the skew limit is reached.
# custom:
#   id: PLM-EKS-0022
#   severity: medium
#   kinds: [eks/Nodegroup]
#   inventory: [eks/Cluster]
#   remediation: "Update the node group to the cluster version (aws eks update-nodegroup-version)."
#   command: "aws eks update-nodegroup-version --region {{region}} --cluster-name {{parent}} --nodegroup-name {{child}}"
package plimsoll.eks.nodegroup_version_skew

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some c in object.get(data.inventory, "eks/Cluster", [])
	c.metadata.name == aws.d.clusterName
	c.region == aws.region
	aws.d.version != c.data.version
	v := {"msg": sprintf("%s runs Kubernetes %s, the control plane %s", [aws.describe("EKS node group"), aws.d.version, c.data.version]), "path": ["data", "version"]}
}
