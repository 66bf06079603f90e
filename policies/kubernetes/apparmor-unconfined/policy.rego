# METADATA
# title: Containers are not AppArmor-unconfined
# description: >-
#   Turning AppArmor off removes the runtime's default confinement of file, network and
#   capability use. Pod Security Standards baseline; part of CIS Kubernetes 5.6.3.
# custom:
#   id: PLM-K8S-0014
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Remove the Unconfined AppArmor profile; use RuntimeDefault or a Localhost profile.
#   fix:
#     - {when: "*.appArmorProfile.type", set: RuntimeDefault}
#     - {when: "*.annotations*", set: runtime/default}
package plimsoll.kubernetes.apparmor_unconfined

import data.plimsoll.lib.kubernetes.containers
import data.plimsoll.lib.kubernetes.effective_path
import data.plimsoll.lib.kubernetes.pod_metadata
import data.plimsoll.lib.kubernetes.pod_metadata_path
import rego.v1

prefix := "container.apparmor.security.beta.kubernetes.io/"

annotation_ok(value) if value == "runtime/default"

annotation_ok(value) if startswith(value, "localhost/")

deny contains v if {
    some c in containers
    value := object.get(pod_metadata, "annotations", {})[concat("", [prefix, c.name])]
    not annotation_ok(value)
    v := {
        "msg": sprintf("container %q has AppArmor profile %q", [c.name, value]),
        "path": sprintf("%s.annotations[\"%s%s\"]", [pod_metadata_path, prefix, c.name]),
    }
}

deny contains v if {
    some c in containers
    c.eff.appArmorProfile.type == "Unconfined"
    v := {
        "msg": sprintf("container %q runs with AppArmor profile Unconfined", [c.name]),
        "path": sprintf("%s.type", [effective_path(c, "appArmorProfile")]),
    }
}
