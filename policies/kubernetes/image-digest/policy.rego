# METADATA
# title: Images are pinned by digest
# description: >-
#   A tag can be moved to different content; only a digest identifies exactly what runs.
#   Digests make rollouts reproducible and defeat tag-overwrite supply-chain attacks.
# custom:
#   id: PLM-K8S-0026
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Reference images as name:tag@sha256:<digest> (tools such as crane or kbld resolve digests in CI).
package plimsoll.kubernetes.image_digest

import data.plimsoll.lib.kubernetes.containers
import rego.v1

deny contains v if {
    some c in containers
    image := object.get(c.container, "image", "")
    not contains(image, "@sha256:")
    v := {
        "msg": sprintf("container %q image %q is not pinned by digest", [c.name, image]),
        "path": [c.path, "image"],
    }
}
