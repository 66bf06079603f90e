# METADATA
# title: The latest image has no critical or high vulnerabilities
# description: >-
#   The most recently pushed image is what the next deployment pulls. Severities from the ecrFailOnSeverities parameter (default CRITICAL and HIGH) in its latest scan are findings; an image that was never scanned is one too. CIS EKS 5.1.1.
# custom:
#   id: PLM-ECR-0007
#   severity: medium
#   kinds: [ecr/Repository]
#   needs: [data.latestImage]
#   options: [ecrFailOnSeverities: list]
#   remediation: "Rebuild the image on patched bases and push it; scan on push so the next image is checked."
#   command: {"manual": "the image must be rebuilt on patched bases and pushed; aws ecr describe-image-scan-findings lists what to patch"}
package plimsoll.ecr.latest_image_findings

import data.plimsoll.lib.aws
import rego.v1

severities := object.get(data.config, "ecrFailOnSeverities", ["CRITICAL", "HIGH"])

deny contains v if {
	i := aws.d.latestImage
	is_object(i)
	some s in severities
	n := object.get(object.get(i, "findingSeverityCounts", {}), s, 0)
	n > 0
	v := {"msg": sprintf("%s latest image (%s) has %d %s vulnerabilities", [aws.describe("ECR repository"), tag(i), n, s]), "path": ["data", "latestImage", "findingSeverityCounts", s]}
}

deny contains v if {
	i := aws.d.latestImage
	is_object(i)
	not i.findingSeverityCounts
	object.get(i, "imageScanStatus", "") != "COMPLETE"
	v := {"msg": sprintf("%s latest image (%s) has never been scanned", [aws.describe("ECR repository"), tag(i)]), "path": ["data", "latestImage"]}
}

tag(i) := i.imageTags[0] if count(object.get(i, "imageTags", [])) > 0

else := substring(object.get(i, "imageDigest", "untagged"), 0, 19)
