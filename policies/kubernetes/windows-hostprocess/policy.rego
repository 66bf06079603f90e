# METADATA
# title: Pods do not run Windows HostProcess containers
# description: >-
#   A Windows HostProcess container runs directly on the host with full access to it.
#   CIS Kubernetes 5.2.10, Pod Security Standards baseline.
# custom:
#   id: PLM-K8S-0010
#   severity: high
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Remove securityContext.windowsOptions.hostProcess (pod and containers) or set it to false.
#   fix: {set: false}
package plimsoll.kubernetes.windows_hostprocess

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.kubernetes.pod_security_context
import data.plimsoll.lib.kubernetes.pod_spec_path
import rego.v1

deny contains v if {
    pod_security_context.windowsOptions.hostProcess == true
    v := {
        "msg": "pod runs Windows HostProcess containers",
        "path": [pod_spec_path, "securityContext.windowsOptions.hostProcess"],
    }
}

deny contains v if {
    some c in containers
    c.sc.windowsOptions.hostProcess == true
    v := {
        "msg": sprintf("container %q is a Windows HostProcess container", [c.name]),
        "path": [c.path, "securityContext.windowsOptions.hostProcess"],
    }
}
