# METADATA
# title: Containers set a CPU request
# description: >-
#   Without a CPU request the scheduler places the pod blind and it is first to be starved under contention.
# custom:
#   id: PLM-K8S-0021
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set resources.requests.cpu on every container (a LimitRange can supply defaults per namespace).
#   fix: {param: cpuRequest}
package plimsoll.kubernetes.cpu_requests

import data.plimsoll.lib.kubernetes.containers
import rego.v1

deny contains v if {
    some c in containers
    c.field != "ephemeralContainers"
    not c.container.resources.requests.cpu
    v := {
        "msg": sprintf("container %q has no CPU request", [c.name]),
        "path": [c.path, "resources.requests.cpu"],
    }
}
