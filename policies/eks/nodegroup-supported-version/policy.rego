# METADATA
# title: Node groups run a supported Kubernetes version
# description: >-
#   A kubelet past end of support gets no security fixes. The oldest accepted version is the eksMinimumVersion parameter (default 1.32). Security Hub EKS.9 (Config eks-nodegroup-supported-version-check).
# custom:
#   id: PLM-EKS-0023
#   severity: high
#   kinds: [eks/Nodegroup]
#   options: [eksMinimumVersion: string]
#   remediation: "Update the node group (and first the control plane if needed)."
#   command: "aws eks update-nodegroup-version --region {{region}} --cluster-name {{parent}} --nodegroup-name {{child}}"
package plimsoll.eks.nodegroup_supported_version

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.version_below(aws.d.version, aws.minimum_version)
	v := {"msg": sprintf("%s runs Kubernetes %s, older than %s", [aws.describe("EKS node group"), aws.d.version, aws.minimum_version]), "path": ["data", "version"]}
}
