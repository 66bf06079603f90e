# METADATA
# title: Fargate profiles do not select the default namespace
# description: >-
#   A profile that selects the default namespace runs whatever lands there on Fargate with the profile pod execution role; keep untrusted or unlabelled workloads in their own namespaces. CIS EKS 5.6.1 (earlier versions).
# custom:
#   id: PLM-EKS-0030
#   severity: low
#   kinds: [eks/FargateProfile]
#   remediation: "Select dedicated namespaces (and labels) only."
#   command: {"manual": "a Fargate profile is fixed at creation: create one for dedicated namespaces and delete this one"}
package plimsoll.eks.fargate_default_namespace

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some i, s in aws.d.selectors
	s.namespace == "default"
	v := {"msg": sprintf("%s selects the default namespace", [aws.describe("EKS Fargate profile")]), "path": ["data", "selectors", i, "namespace"]}
}
