# METADATA
# title: Nodes do not use the cluster role
# description: >-
#   The cluster IAM role is for the EKS service; nodes (and every pod on them that can reach instance metadata) using it get the control plane permissions. Give nodes their own role with the node policies only.
# custom:
#   id: PLM-EKS-0025
#   severity: medium
#   kinds: [eks/Nodegroup]
#   inventory: [eks/Cluster]
#   remediation: "Create a node role with AmazonEKSWorkerNodePolicy, AmazonEC2ContainerRegistryReadOnly and the CNI policy, and use it for the node group."
#   command: {"manual": "a node group's role is fixed at creation: create one with a node role and drain this one"}
package plimsoll.eks.nodegroup_role

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some c in object.get(data.inventory, "eks/Cluster", [])
	c.metadata.name == aws.d.clusterName
	c.region == aws.region
	aws.d.nodeRole == c.data.roleArn
	v := {"msg": sprintf("%s uses the cluster role %s", [aws.describe("EKS node group"), aws.d.nodeRole]), "path": ["data", "nodeRole"]}
}
