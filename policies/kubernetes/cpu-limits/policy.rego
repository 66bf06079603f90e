# METADATA
# title: Containers set a CPU limit
# description: >-
#   Without a CPU limit one container can take every core of its node from its neighbours.
# custom:
#   id: PLM-K8S-0022
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set resources.limits.cpu on every container (a LimitRange can supply defaults per namespace).
#   fix: {param: cpuLimit}
package plimsoll.kubernetes.cpu_limits

import data.plimsoll.lib.kubernetes.containers
import rego.v1

deny contains v if {
    some c in containers
    c.field != "ephemeralContainers"
    not c.container.resources.limits.cpu
    v := {
        "msg": sprintf("container %q has no CPU limit", [c.name]),
        "path": [c.path, "resources.limits.cpu"],
    }
}
