# METADATA
# title: Images with mutable tags are pulled every time
# description: >-
#   A tag can be moved to another image. With imagePullPolicy IfNotPresent or Never, a node
#   keeps running whatever it pulled under that tag first, and any pod on the node can use an
#   image cached there with another workload's credentials. Kubernetes defaults to Always only
#   for the latest tag or none; a versioned tag defaults to IfNotPresent. Images pinned by
#   digest are immutable and exempt.
# custom:
#   id: PLM-K8S-0064
#   severity: low
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Set imagePullPolicy to Always on containers whose image is not pinned by digest (or pin the image by digest).
#   fix: {set: Always}
package plimsoll.kubernetes.image_pull_policy

import data.plimsoll.lib.kubernetes.containers
import rego.v1

# The policy the kubelet applies: the one set, else Always for :latest or no tag.
effective_policy(image, set) := set if set != ""

effective_policy(image, "") := "Always" if not contains(image_tail(image), ":")

effective_policy(image, "") := "Always" if endswith(image_tail(image), ":latest")

effective_policy(image, "") := "IfNotPresent" if {
    contains(image_tail(image), ":")
    not endswith(image_tail(image), ":latest")
}

# The last path segment (a registry port's colon is not a tag).
image_tail(image) := parts[count(parts) - 1] if parts := split(image, "/")

deny contains v if {
    some c in containers
    image := object.get(c.container, "image", "")
    image != ""
    not contains(image, "@sha256:")
    policy := effective_policy(image, object.get(c.container, "imagePullPolicy", ""))
    policy != "Always"
    v := {
        "msg": sprintf("container %q pulls the mutable tag %s only if not present (%s)", [c.name, image, policy]),
        "path": [c.path, "imagePullPolicy"],
    }
}
