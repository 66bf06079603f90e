# METADATA
# title: Containers drop all capabilities
# description: >-
#   The Pod Security Standards restricted profile requires every container to drop ALL
#   capabilities and add back at most NET_BIND_SERVICE, so a compromised process has no
#   kernel privileges to abuse. CIS Kubernetes 5.2.9.
# custom:
#   id: PLM-K8S-0009
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set securityContext.capabilities.drop to [ALL] and add back only NET_BIND_SERVICE if needed.
#   fix:
#     - {when: "*.capabilities.drop", add: ALL}
#     - {when: "*.capabilities.add", manual: "which capabilities the workload needs is its owner's call"}
package plimsoll.kubernetes.drop_all_capabilities

import data.plimsoll.lib.kubernetes.containers
import rego.v1

# Capabilities beyond the baseline set are PLM-K8S-0008's finding, not repeated here.
baseline_extra := {
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

deny contains v if {
    some c in containers
    not "ALL" in c.drop
    v := {
        "msg": sprintf("container %q does not drop ALL capabilities", [c.name]),
        "path": [c.path, "securityContext.capabilities.drop"],
    }
}

deny contains v if {
    some c in containers
    added := c.add & baseline_extra
    count(added) > 0
    v := {
        "msg": sprintf("container %q adds %s; the restricted profile allows only NET_BIND_SERVICE", [c.name, concat(", ", sort(added))]),
        "path": [c.path, "securityContext.capabilities.add"],
    }
}
