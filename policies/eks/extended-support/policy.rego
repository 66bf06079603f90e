# METADATA
# title: The cluster is not on extended support
# description: >-
#   A cluster whose upgrade policy is EXTENDED keeps running a version past standard support: fewer fixes, and an extra hourly fee. EXTENDED is the default for clusters created without a policy, so a response without upgradePolicy is NOT_ASSESSED, not passed.
# custom:
#   id: PLM-EKS-0012
#   severity: info
#   kinds: [eks/Cluster]
#   needs: [data.upgradePolicy]
#   remediation: "Plan the upgrade; set the upgrade policy to STANDARD so the cluster is upgraded when standard support ends."
#   command: "aws eks update-cluster-config --region {{region}} --name {{name}} --upgrade-policy supportType=STANDARD"
package plimsoll.eks.extended_support

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.d.upgradePolicy.supportType == "EXTENDED"
	v := {"msg": sprintf("%s is set to extended support", [aws.describe("EKS cluster")]), "path": ["data", "upgradePolicy", "supportType"]}
}
