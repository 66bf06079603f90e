# METADATA
# title: Containers drop the NET_RAW capability
# description: >-
#   NET_RAW is in the default capability set of most runtimes and lets a container craft raw
#   packets (ARP and DNS spoofing inside the cluster network). CIS Kubernetes 5.2.8.
# custom:
#   id: PLM-K8S-0007
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Add NET_RAW (or ALL) to securityContext.capabilities.drop and do not add it back.
#   fix:
#     - {when: "*.capabilities.drop", add: ALL}
#     - {when: "*.capabilities.add", manual: "whether the workload needs NET_RAW is its owner's call"}
package plimsoll.kubernetes.net_raw_capability

import data.plimsoll.lib.kubernetes.containers
import rego.v1

deny contains v if {
    some c in containers
    "NET_RAW" in c.add
    v := {
        "msg": sprintf("container %q adds NET_RAW", [c.name]),
        "path": [c.path, "securityContext.capabilities.add"],
    }
}

deny contains v if {
    some c in containers
    not "NET_RAW" in c.add
    not "ALL" in c.drop
    not "NET_RAW" in c.drop
    v := {
        "msg": sprintf("container %q does not drop NET_RAW (drop ALL or NET_RAW)", [c.name]),
        "path": [c.path, "securityContext.capabilities.drop"],
    }
}
