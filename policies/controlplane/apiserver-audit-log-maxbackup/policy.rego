# METADATA
# title: Ten audit log files are kept
# description: >-
#   Fewer rotated files lose the record an investigation needs. CIS Kubernetes 1.2.18.
# custom:
#   id: PLM-CP-0018
#   severity: medium
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Set --audit-log-maxbackup=10 or more."
package plimsoll.controlplane.apiserver_audit_log_maxbackup

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.at_least("audit-log-maxbackup", 10)
	v := cp.at("audit-log-maxbackup", "keeps fewer than 10 audit log files (--audit-log-maxbackup)")
}
