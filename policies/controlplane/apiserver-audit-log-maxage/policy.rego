# METADATA
# title: Audit logs are kept for 30 days
# description: >-
#   Shorter retention loses the record an investigation needs. CIS Kubernetes 1.2.17.
# custom:
#   id: PLM-CP-0017
#   severity: medium
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Set --audit-log-maxage=30 or more."
package plimsoll.controlplane.apiserver_audit_log_maxage

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.at_least("audit-log-maxage", 30)
	v := cp.at("audit-log-maxage", "does not keep audit logs for 30 days (--audit-log-maxage below 30 or not set)")
}
