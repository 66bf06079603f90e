# METADATA
# title: Containers use the default /proc mount
# description: >-
#   An Unmasked /proc exposes kernel interfaces the runtime normally hides. Pod Security
#   Standards baseline; part of CIS Kubernetes 5.6.3.
# custom:
#   id: PLM-K8S-0017
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Remove securityContext.procMount or set it to Default.
#   fix: {set: Default}
package plimsoll.kubernetes.proc_mount

import data.plimsoll.lib.kubernetes.containers
import rego.v1

deny contains v if {
    some c in containers
    mount := c.sc.procMount
    mount != "Default"
    v := {
        "msg": sprintf("container %q uses procMount %s", [c.name, mount]),
        "path": [c.path, "securityContext.procMount"],
    }
}
