# METADATA
# title: Containers mount their root filesystem read-only
# description: >-
#   A writable root filesystem lets an intruder change the container's binaries and hides changes from image scanning. The spec's root.readonly is what runc applies. CIS Docker 5.13.
# custom:
#   id: PLM-CTD-0011
#   severity: low
#   kinds: [containerd/Container]
#   remediation: "Run with --read-only (readOnlyRootFilesystem: true in Kubernetes) and mount writable volumes only where the application writes."
package plimsoll.containerd.read_only_rootfs

import data.plimsoll.lib.containerd
import rego.v1

deny contains v if {
	containerd.workload
	object.get(containerd.spec, ["root", "readonly"], false) != true
	v := {"msg": sprintf("%s has a writable root filesystem", [containerd.container]), "path": ["spec", "root"]}
}
