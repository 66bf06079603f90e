# METADATA
# title: Images are pinned by digest
# description: >-
#   A tag can be moved to different content; only a digest identifies exactly what runs.
#   Digests make rollouts reproducible and defeat tag-overwrite supply-chain attacks. A digest
#   counts only when the registry could resolve it: sha256 with 64 or sha512 with 128
#   lower-case hexadecimal digits (the OCI image spec's registered algorithms).
# custom:
#   id: PLM-K8S-0026
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Reference images as name:tag@sha256:<digest> (tools such as crane or kbld resolve digests in CI).
#   fix: {manual: "a digest is resolved from the registry (crane digest IMAGE), never guessed"}
package plimsoll.kubernetes.image_digest

import data.plimsoll.lib.kubernetes.containers
import rego.v1

# Hexadecimal digits per registered digest algorithm.
digest_lengths := {"sha256": 64, "sha512": 128}

pinned(image) if {
    parts := split(image, "@")
    count(parts) == 2
    digest := split(parts[1], ":")
    count(digest) == 2
    count(digest[1]) == digest_lengths[digest[0]]
    # trim removes digits from both ends: only an all-hexadecimal digest leaves nothing.
    trim(digest[1], "0123456789abcdef") == ""
}

deny contains v if {
    some c in containers
    image := object.get(c.container, "image", "")
    not pinned(image)
    v := {
        "msg": sprintf("container %q image %q is not pinned by digest", [c.name, image]),
        "path": [c.path, "image"],
    }
}
