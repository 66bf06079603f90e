# METADATA
# title: Host paths are mounted read-only
# description: >-
#   A container that can write to a directory of the node can plant files the node or other
#   pods trust (a cron entry, a kubelet plugin, a log another agent parses). Where a hostPath
#   volume cannot be avoided (PLM-K8S-0011), every mount of it should be read-only.
# custom:
#   id: PLM-K8S-0072
#   severity: high
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set readOnly true on every volumeMount of a hostPath volume (and on the volume's use in initContainers).
#   fix: {set: true}
package plimsoll.kubernetes.writable_hostpath

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.kubernetes.pod_spec
import rego.v1

host_volumes := {vol.name | some vol in object.get(pod_spec, "volumes", []); vol.hostPath}

deny contains v if {
    some c in containers
    some j, m in object.get(c.container, "volumeMounts", [])
    m.name in host_volumes
    not m.readOnly == true
    v := {
        "msg": sprintf("container %q mounts host path volume %q writable", [c.name, m.name]),
        "path": sprintf("%s.volumeMounts[%d].readOnly", [c.path, j]),
    }
}
