# METADATA
# title: The Kubernetes Dashboard is not deployed
# description: >-
#   The Dashboard is a web front end to the API with its own service account: exposed, or
#   given broad rights (as many installs do), it has been the way into clusters (Tesla, 2018).
#   The project was archived in 2025 and gets no more fixes. Reported on any workload running
#   its image.
# custom:
#   id: PLM-K8S-0084
#   severity: medium
#   kinds: [kubernetes/Pod, kubernetes/Deployment, kubernetes/StatefulSet, kubernetes/DaemonSet, kubernetes/ReplicaSet, kubernetes/ReplicationController, kubernetes/Job, kubernetes/CronJob]
#   remediation: Remove the Dashboard; use kubectl, or a maintained console that authenticates each user against the API with their own identity.
#   fix: {manual: "removing a tool people use is their call"}
package plimsoll.kubernetes.kubernetes_dashboard

import data.plimsoll.lib.kubernetes.containers
import rego.v1

dashboard_images := ["kubernetesui/dashboard", "kubernetes-dashboard-amd64", "kubernetes-dashboard:"]

deny contains v if {
	some c in containers
	image := object.get(c.container, "image", "")
	some marker in dashboard_images
	contains(image, marker)
	v := {
		"msg": sprintf("container %q runs the Kubernetes Dashboard (%s)", [c.name, image]),
		"path": [c.path, "image"],
	}
}
