# METADATA
# title: The API server limits the rate of events
# description: >-
#   Without the EventRateLimit admission plugin, a flood of events can overwhelm the API server and etcd. CIS Kubernetes 1.2.9.
# custom:
#   id: PLM-CP-0009
#   severity: medium
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Add EventRateLimit to --enable-admission-plugins and configure it in --admission-control-config-file."
package plimsoll.controlplane.apiserver_event_rate_limit

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.lists("enable-admission-plugins", "EventRateLimit")
	v := cp.at("enable-admission-plugins", "does not enable the EventRateLimit admission plugin")
}
