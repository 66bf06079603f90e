# METADATA
# title: Containers do not run as root
# description: >-
#   A container running as UID 0 is root on the node if it escapes. It must either set
#   runAsNonRoot: true or run as a non-zero runAsUser (container or pod level).
#   CIS Kubernetes 5.2.7, Pod Security Standards restricted.
# custom:
#   id: PLM-K8S-0006
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set securityContext.runAsNonRoot to true and runAsUser to a non-zero UID, on the pod or each container.
#   fix:
#     - {when: "*.runAsNonRoot", set: true}
#     - {when: "*.runAsUser", manual: "a non-root UID is the image's to choose"}
package plimsoll.kubernetes.run_as_root

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.kubernetes.effective_path
import rego.v1

deny contains v if {
    some c in containers
    c.eff.runAsUser == 0
    v := {
        "msg": sprintf("container %q runs as root (runAsUser: 0)", [c.name]),
        "path": effective_path(c, "runAsUser"),
    }
}

deny contains v if {
    some c in containers
    not c.eff.runAsNonRoot == true
    not c.eff.runAsUser
    v := {
        "msg": sprintf("container %q may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set", [c.name]),
        "path": effective_path(c, "runAsNonRoot"),
    }
}
