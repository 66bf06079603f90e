# METADATA
# title: Idle streaming connections time out
# description: >-
#   A streamingConnectionIdleTimeout of 0 keeps idle exec, attach and port-forward sessions open forever, exhausting connections and leaving forgotten shells into pods. CIS Kubernetes 4.2.5, CIS EKS 3.2.5.
# custom:
#   id: PLM-NODE-0005
#   severity: low
#   kinds: [kubernetes/KubeletConfiguration]
#   remediation: Set streamingConnectionIdleTimeout to a non-zero duration (for example 5m) and restart the kubelet.
package plimsoll.kubelet.streaming_idle_timeout

import data.plimsoll.lib.kubelet
import rego.v1

deny contains v if {
	kubelet.zero_duration(kubelet.setting("streamingConnectionIdleTimeout"))
	v := {
		"msg": sprintf("%s never closes idle streaming connections (streamingConnectionIdleTimeout: 0)", [kubelet.node]),
		"path": ["streamingConnectionIdleTimeout"],
	}
}
