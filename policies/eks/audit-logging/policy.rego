# METADATA
# title: Control-plane audit logging is enabled
# description: >-
#   The audit log records every request to the API server: without it there is no record of who did what in the cluster. Security Hub EKS.8, CIS EKS 2.1.1.
# custom:
#   id: PLM-EKS-0005
#   severity: medium
#   kinds: [eks/Cluster]
#   remediation: "Enable the audit log type (aws eks update-cluster-config --logging)."
#   command: "aws eks update-cluster-config --region {{region}} --name {{name}} --logging '{\"clusterLogging\":[{\"types\":[\"audit\"],\"enabled\":true}]}'"
package plimsoll.eks.audit_logging

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	not logs("audit")
	v := {"msg": sprintf("%s does not send audit logs to CloudWatch", [aws.describe("EKS cluster")]), "path": ["data", "logging"]}
}

logs(t) if {
	some g in object.get(aws.d, ["logging", "clusterLogging"], [])
	g.enabled == true
	t in g.types
}
