# METADATA
# title: The VPC CNI enforces network policies
# description: >-
#   Kubernetes NetworkPolicies do nothing unless the CNI enforces them; the Amazon VPC CNI add-on does so only with enableNetworkPolicy "true" in its configuration values. CIS EKS 5.4.4.
# custom:
#   id: PLM-EKS-0040
#   severity: medium
#   kinds: [eks/Addon]
#   remediation: "Update the vpc-cni add-on with configuration values {\"enableNetworkPolicy\": \"true\"}."
#   command: "aws eks update-addon --region {{region}} --cluster-name {{parent}} --addon-name {{child}} --configuration-values '{\"enableNetworkPolicy\":\"true\"}'"
package plimsoll.eks.vpc_cni_network_policy

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.d.addonName == "vpc-cni"
	not enforced
	v := {"msg": sprintf("%s does not enforce NetworkPolicies (enableNetworkPolicy is not \"true\")", [aws.describe("EKS add-on")]), "path": ["data", "configurationValues"]}
}

enforced if {
	cfg := json.unmarshal(aws.d.configurationValues)
	object.get(cfg, "enableNetworkPolicy", "false") in {"true", true}
}
