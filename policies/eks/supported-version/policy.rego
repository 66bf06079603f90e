# METADATA
# title: The cluster runs a supported Kubernetes version
# description: >-
#   Versions past end of support get no security patches (and cost extended-support fees before that). The oldest accepted version is the eksMinimumVersion parameter (default 1.32, as of November 2026). Security Hub EKS.2.
# custom:
#   id: PLM-EKS-0007
#   severity: high
#   kinds: [eks/Cluster]
#   options: [eksMinimumVersion: string]
#   remediation: "Upgrade the control plane (one minor version at a time), then the node groups."
#   command: "aws eks update-cluster-version --region {{region}} --name {{name}} --kubernetes-version \"${VERSION:?set VERSION to the next minor version}\""
package plimsoll.eks.supported_version

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.version_below(aws.d.version, aws.minimum_version)
	v := {"msg": sprintf("%s runs Kubernetes %s, older than %s", [aws.describe("EKS cluster"), aws.d.version, aws.minimum_version]), "path": ["data", "version"]}
}
