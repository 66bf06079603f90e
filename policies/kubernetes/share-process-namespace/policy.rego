# METADATA
# title: Pods do not share one process namespace between containers
# description: >-
#   With shareProcessNamespace every container of the pod sees the others' processes, can
#   signal them and read their environment and files through /proc (a sidecar reads the
#   application's secrets). Kept for debugging; not for running workloads.
# custom:
#   id: PLM-K8S-0067
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Remove shareProcessNamespace from the pod spec or set it to false; use an ephemeral debug container (kubectl debug) when needed.
#   fix: {set: false}
package plimsoll.kubernetes.share_process_namespace

import data.plimsoll.lib.kubernetes.pod_spec
import data.plimsoll.lib.kubernetes.pod_spec_path
import rego.v1

deny contains v if {
    pod_spec.shareProcessNamespace == true
    v := {
        "msg": "pod sets shareProcessNamespace: true",
        "path": [pod_spec_path, "shareProcessNamespace"],
    }
}
