# METADATA
# title: Pods do not share the host network namespace
# description: >-
#   A pod on the host network can bind the node's ports, sniff its traffic and reach services bound to localhost, bypassing NetworkPolicies. CIS Kubernetes 5.2.5, Pod Security Standards baseline.
# custom:
#   id: PLM-K8S-0004
#   severity: high
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Remove hostNetwork from the pod spec or set it to false.
#   fix: {set: false}
package plimsoll.kubernetes.host_network

import data.plimsoll.lib.kubernetes.pod_spec
import data.plimsoll.lib.kubernetes.pod_spec_path
import rego.v1

deny contains v if {
    pod_spec.hostNetwork == true
    v := {
        "msg": "pod sets hostNetwork: true",
        "path": [pod_spec_path, "hostNetwork"],
    }
}
