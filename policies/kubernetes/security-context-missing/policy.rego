# METADATA
# title: Pods and containers define a security context
# description: >-
#   A container with no security context on itself or its pod runs with every runtime
#   default: root, writable root filesystem, default capabilities, privilege escalation.
#   CIS Kubernetes 5.6.3.
# custom:
#   id: PLM-K8S-0019
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Add a securityContext to the pod and containers (runAsNonRoot, seccompProfile, allowPrivilegeEscalation, capabilities, readOnlyRootFilesystem).
package plimsoll.kubernetes.security_context_missing

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.kubernetes.pod_security_context
import rego.v1

deny contains v if {
    count(pod_security_context) == 0
    some c in containers
    count(c.sc) == 0
    v := {
        "msg": sprintf("container %q has no security context, and neither has its pod", [c.name]),
        "path": [c.path, "securityContext"],
    }
}
