# METADATA
# title: Pods do not share the host process ID namespace
# description: >-
#   A pod in the host PID namespace sees and can signal every process on the node, and can read their environment. CIS Kubernetes 5.2.3, Pod Security Standards baseline.
# custom:
#   id: PLM-K8S-0002
#   severity: high
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Remove hostPID from the pod spec or set it to false.
#   fix: {set: false}
package plimsoll.kubernetes.host_pid

import data.plimsoll.lib.kubernetes.pod_spec
import data.plimsoll.lib.kubernetes.pod_spec_path
import rego.v1

deny contains v if {
    pod_spec.hostPID == true
    v := {
        "msg": "pod sets hostPID: true",
        "path": [pod_spec_path, "hostPID"],
    }
}
