# METADATA
# title: Access entries do not map to system:masters
# description: >-
#   system:masters bypasses RBAC entirely and cannot be restricted by any RoleBinding; EKS rejects it for new entries, but older mappings may remain.
# custom:
#   id: PLM-EKS-0051
#   severity: high
#   kinds: [eks/AccessEntry]
#   remediation: "Remove system:masters from kubernetesGroups and associate an access policy or bind a ClusterRole instead."
#   command: {"manual": "the Kubernetes groups the principal should have instead are yours to choose (aws eks update-access-entry --kubernetes-groups)"}
package plimsoll.eks.access_system_masters

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, g in object.get(aws.d, "kubernetesGroups", [])
	g == "system:masters"
	v := {"msg": sprintf("%s maps %s to system:masters", [aws.describe("EKS access entry"), aws.d.principalArn]), "path": ["data", "kubernetesGroups", i]}
}
