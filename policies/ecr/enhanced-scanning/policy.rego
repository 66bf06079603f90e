# METADATA
# title: The registry uses enhanced scanning
# description: >-
#   Basic scanning checks OS packages once, at push; enhanced scanning (Amazon Inspector) also covers language packages and rescans continuously as new vulnerabilities are published.
# custom:
#   id: PLM-ECR-0006
#   severity: medium
#   kinds: [ecr/Registry]
#   remediation: "Set the registry scanning configuration to ENHANCED with a continuous-scan rule."
#   command: "aws ecr put-registry-scanning-configuration --region {{region}} --scan-type ENHANCED --rules '[{\"scanFrequency\":\"CONTINUOUS_SCAN\",\"repositoryFilters\":[{\"filter\":\"*\",\"filterType\":\"WILDCARD\"}]}]'"
package plimsoll.ecr.enhanced_scanning

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	object.get(aws.d, "scanType", "BASIC") != "ENHANCED"
	v := {"msg": sprintf("ECR registry %s (%s) uses basic scanning", [aws.name, aws.region]), "path": ["data", "scanType"]}
}
