# METADATA
# title: The kubelet rotates its client certificate
# description: >-
#   With rotateCertificates the kubelet requests a new client certificate before the current one expires; without it the certificate eventually expires and the node drops out, or someone issues long-lived certificates to avoid that. CIS Kubernetes 4.2.10, CIS EKS 3.2.8.
# custom:
#   id: PLM-NODE-0009
#   severity: medium
#   kinds: [kubernetes/KubeletConfiguration]
#   remediation: "Set rotateCertificates: true (or --rotate-certificates) and restart the kubelet. If certificates come from an external CA, rotate them there and waive this check."
package plimsoll.kubelet.rotate_certificates

import data.plimsoll.lib.kubelet
import rego.v1

deny contains v if {
	not kubelet.setting("rotateCertificates") == true
	v := {
		"msg": sprintf("%s does not rotate its client certificate (rotateCertificates is not true)", [kubelet.node]),
		"path": ["rotateCertificates"],
	}
}
