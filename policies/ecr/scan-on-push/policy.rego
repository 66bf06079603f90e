# METADATA
# title: Images are scanned when pushed
# description: >-
#   Without scan on push (or a registry scanning rule that covers the repository) vulnerable images are stored and pulled unnoticed. Security Hub ECR.1, CIS EKS 5.1.1.
# custom:
#   id: PLM-ECR-0001
#   severity: high
#   kinds: [ecr/Repository]
#   inventory: [ecr/Registry]
#   remediation: "Enable scanOnPush on the repository, or a registry scanning rule (basic or enhanced) that matches it."
#   command: "aws ecr put-image-scanning-configuration --region {{region}} --repository-name {{name}} --image-scanning-configuration scanOnPush=true"
package plimsoll.ecr.scan_on_push

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	aws.d.imageScanningConfiguration.scanOnPush != true
	not registry_scans
	v := {"msg": sprintf("%s does not scan images on push", [aws.describe("ECR repository")]), "path": ["data", "imageScanningConfiguration", "scanOnPush"]}
}

# A registry rule whose wildcard filter matches the repository name.
registry_scans if {
	some r in object.get(data.inventory, "ecr/Registry", [])
	r.region == aws.region
	some rule in r.data.rules
	some f in rule.repositoryFilters
	glob.match(f.filter, [], aws.name)
}
