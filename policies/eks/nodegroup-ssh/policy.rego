# METADATA
# title: Node groups have no SSH access
# description: >-
#   SSH keys on nodes are long-lived shared credentials; Systems Manager Session Manager gives audited shell access without open ports.
# custom:
#   id: PLM-EKS-0021
#   severity: low
#   kinds: [eks/Nodegroup]
#   remediation: "Remove remoteAccess and use SSM Session Manager."
#   command: {"manual": "remote access is fixed at creation: create a node group without it and drain this one"}
package plimsoll.eks.nodegroup_ssh

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.d.remoteAccess.ec2SshKey
	v := {"msg": sprintf("%s accepts SSH key %s", [aws.describe("EKS node group"), aws.d.remoteAccess.ec2SshKey]), "path": ["data", "remoteAccess", "ec2SshKey"]}
}
