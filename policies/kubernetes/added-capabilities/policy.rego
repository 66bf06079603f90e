# METADATA
# title: Containers add no capabilities beyond the baseline set
# description: >-
#   Capabilities such as SYS_ADMIN, NET_ADMIN or SYS_PTRACE give a container near-root power
#   over the node. The Pod Security Standards baseline allows adding only the runtime's default
#   set. CIS Kubernetes 5.2.9.
# custom:
#   id: PLM-K8S-0008
#   severity: high
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Remove the extra capabilities from securityContext.capabilities.add.
#   fix: {manual: "which capabilities the workload needs is its owner's call"}
package plimsoll.kubernetes.added_capabilities

import data.plimsoll.lib.kubernetes.containers
import rego.v1

baseline_allowed := {
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

deny contains v if {
    some c in containers
    extra := c.add - baseline_allowed
    count(extra) > 0
    v := {
        "msg": sprintf("container %q adds capabilities beyond the baseline set: %s", [c.name, concat(", ", sort(extra))]),
        "path": [c.path, "securityContext.capabilities.add"],
    }
}
