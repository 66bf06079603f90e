# METADATA
# title: Pods do not share the host IPC namespace
# description: >-
#   A pod in the host IPC namespace can read and write the shared memory of every process on the node. CIS Kubernetes 5.2.4, Pod Security Standards baseline.
# custom:
#   id: PLM-K8S-0003
#   severity: high
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Remove hostIPC from the pod spec or set it to false.
#   fix: {set: false}
package plimsoll.kubernetes.host_ipc

import data.plimsoll.lib.kubernetes.pod_spec
import data.plimsoll.lib.kubernetes.pod_spec_path
import rego.v1

deny contains v if {
    pod_spec.hostIPC == true
    v := {
        "msg": "pod sets hostIPC: true",
        "path": [pod_spec_path, "hostIPC"],
    }
}
