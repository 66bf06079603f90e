# METADATA
# title: Audit log files rotate at 100 MB or more
# description: >-
#   Small files rotate away the record quickly. CIS Kubernetes 1.2.19.
# custom:
#   id: PLM-CP-0019
#   severity: medium
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Set --audit-log-maxsize=100 or more."
package plimsoll.controlplane.apiserver_audit_log_maxsize

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.at_least("audit-log-maxsize", 100)
	v := cp.at("audit-log-maxsize", "rotates audit logs below 100 MB (--audit-log-maxsize)")
}
