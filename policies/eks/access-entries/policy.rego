# METADATA
# title: Cluster access is managed with access entries
# description: >-
#   With authenticationMode CONFIG_MAP, access is granted by editing the aws-auth ConfigMap, which is easy to break and hard to audit. API or API_AND_CONFIG_MAP enables EKS access entries (the Cluster Access Manager API). A cluster that does not report its mode predates access entries. CIS EKS 4.1.7.
# custom:
#   id: PLM-EKS-0009
#   severity: medium
#   kinds: [eks/Cluster]
#   remediation: "Switch authenticationMode to API_AND_CONFIG_MAP, migrate the aws-auth mappings to access entries, then to API."
#   command: "aws eks update-cluster-config --region {{region}} --name {{name}} --access-config authenticationMode=API_AND_CONFIG_MAP"
package plimsoll.eks.access_entries

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	mode := object.get(aws.d, ["accessConfig", "authenticationMode"], "CONFIG_MAP")
	mode == "CONFIG_MAP"
	v := {"msg": sprintf("%s grants access only through the aws-auth ConfigMap (authenticationMode %s)", [aws.describe("EKS cluster"), mode]), "path": ["data", "accessConfig"]}
}
