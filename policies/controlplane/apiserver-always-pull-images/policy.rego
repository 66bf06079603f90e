# METADATA
# title: Images are pulled with the pod's own credentials
# description: >-
#   Without AlwaysPullImages, a pod can run a private image already cached on its node without having the credentials to pull it. CIS Kubernetes 1.2.11.
# custom:
#   id: PLM-CP-0011
#   severity: medium
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Add AlwaysPullImages to --enable-admission-plugins."
package plimsoll.controlplane.apiserver_always_pull_images

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.lists("enable-admission-plugins", "AlwaysPullImages")
	v := cp.at("enable-admission-plugins", "does not enable the AlwaysPullImages admission plugin")
}
