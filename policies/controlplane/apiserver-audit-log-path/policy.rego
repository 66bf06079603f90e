# METADATA
# title: The API server writes an audit log
# description: >-
#   Without --audit-log-path requests are not audited to a file, and an intrusion leaves no trace on the API server. CIS Kubernetes 1.2.16.
# custom:
#   id: PLM-CP-0016
#   severity: high
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Set --audit-log-path (and --audit-policy-file)."
package plimsoll.controlplane.apiserver_audit_log_path

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.set("audit-log-path")
	v := cp.at("audit-log-path", "writes no audit log (no --audit-log-path)")
}
