# METADATA
# title: Pods set only safe sysctls
# description: >-
#   Sysctls outside the namespaced safe set affect the whole node or other pods.
#   Pod Security Standards baseline; part of CIS Kubernetes 5.6.3.
# custom:
#   id: PLM-K8S-0016
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Remove sysctls outside the safe set from securityContext.sysctls; tune the node instead.
#   fix: {up: 1, remove: true}
package plimsoll.kubernetes.unsafe_sysctls

import data.plimsoll.lib.kubernetes.pod_security_context
import data.plimsoll.lib.kubernetes.pod_spec_path
import rego.v1

safe := {
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}

deny contains v if {
    some i, sysctl in pod_security_context.sysctls
    not sysctl.name in safe
    v := {
        "msg": sprintf("pod sets unsafe sysctl %s", [sysctl.name]),
        "path": sprintf("%s.securityContext.sysctls[%d].name", [pod_spec_path, i]),
    }
}
