# METADATA
# title: Containers run with a seccomp profile
# description: >-
#   Without a seccomp profile a container can make every system call the kernel offers,
#   including the rarely needed ones most kernel exploits use. The restricted profile requires
#   RuntimeDefault or Localhost, on the pod or on every container; Unconfined is never allowed.
#   CIS Kubernetes 5.6.2, Pod Security Standards baseline and restricted.
# custom:
#   id: PLM-K8S-0013
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost with a profile) on the pod.
#   fix:
#     - {when: "*.seccompProfile.type", set: RuntimeDefault}
#     - {when: "*.seccompProfile", set: {type: RuntimeDefault}}
package plimsoll.kubernetes.seccomp_profile

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.kubernetes.effective_path
import data.plimsoll.lib.kubernetes.pod_metadata
import rego.v1

allowed_types := {"RuntimeDefault", "Localhost"}

# Annotations used before seccompProfile existed (removed in Kubernetes 1.27, still seen).
legacy_ok(value) if value in {"runtime/default", "docker/default"}

legacy_ok(value) if startswith(value, "localhost/")

annotations := object.get(pod_metadata, "annotations", {})

legacy_profile(c) := annotations[sprintf("container.seccomp.security.alpha.kubernetes.io/%s", [c.name])]

legacy_profile(c) := annotations["seccomp.security.alpha.kubernetes.io/pod"] if {
    not annotations[sprintf("container.seccomp.security.alpha.kubernetes.io/%s", [c.name])]
}

# Only consulted for containers without an allowed profile: function calls are costly.
legacy_only(c) if {
    not c.eff.seccompProfile
    legacy_ok(legacy_profile(c))
}

deny contains v if {
    some c in containers
    c.eff.seccompProfile.type == "Unconfined"
    v := {
        "msg": sprintf("container %q runs with seccomp profile Unconfined", [c.name]),
        "path": sprintf("%s.type", [effective_path(c, "seccompProfile")]),
    }
}

deny contains v if {
    some c in containers
    not c.eff.seccompProfile.type in allowed_types
    not c.eff.seccompProfile.type == "Unconfined"
    not legacy_only(c)
    v := {
        "msg": sprintf("container %q has no seccomp profile (RuntimeDefault or Localhost)", [c.name]),
        "path": effective_path(c, "seccompProfile"),
    }
}
