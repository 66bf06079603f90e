# METADATA
# title: Node group SSH is not open to the internet
# description: >-
#   A node group with an SSH key and no source security groups gets a security group that allows port 22 from 0.0.0.0/0. Checkov CKV_AWS_100.
# custom:
#   id: PLM-EKS-0020
#   severity: high
#   kinds: [eks/Nodegroup]
#   remediation: "Remove remote access, or name the security groups allowed to connect (sourceSecurityGroups)."
#   command: {"manual": "remote access is fixed at creation: create a node group without it (or with sourceSecurityGroups) and drain this one"}
package plimsoll.eks.nodegroup_ssh_open

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.d.remoteAccess.ec2SshKey
	count(object.get(aws.d.remoteAccess, "sourceSecurityGroups", [])) == 0
	v := {"msg": sprintf("%s allows SSH with key %s from any address", [aws.describe("EKS node group"), aws.d.remoteAccess.ec2SshKey]), "path": ["data", "remoteAccess"]}
}
