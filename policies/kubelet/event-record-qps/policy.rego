# METADATA
# title: The kubelet records events at a useful rate
# description: >-
#   eventRecordQPS caps how many events the kubelet creates per second; set between 0 and 5 it drops security-relevant events (kills, evictions, failed mounts) under load. 0 means unlimited, which CIS EKS accepts; CIS Kubernetes warns it can overload the API server, so 0 passes here and is a judgement call. CIS Kubernetes 4.2.8, CIS EKS 3.2.7.
# custom:
#   id: PLM-NODE-0007
#   severity: low
#   kinds: [kubernetes/KubeletConfiguration]
#   remediation: Set eventRecordQPS to 5 or more (the kubelet's v1beta1 default is 50) and restart the kubelet.
package plimsoll.kubelet.event_record_qps

import data.plimsoll.lib.kubelet
import rego.v1

deny contains v if {
	qps := kubelet.setting("eventRecordQPS")
	qps > 0
	qps < 5
	v := {
		"msg": sprintf("%s records at most %v events per second (eventRecordQPS), below 5", [kubelet.node, qps]),
		"path": ["eventRecordQPS"],
	}
}
