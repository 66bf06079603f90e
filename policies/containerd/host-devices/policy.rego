# METADATA
# title: Containers are not given host devices
# description: >-
#   A host device node in the spec (linux.devices) gives the container direct access to hardware or kernel interfaces. Privileged containers, which get every device, are reported by PLM-CTD-0001. CIS Docker 5.18.
# custom:
#   id: PLM-CTD-0014
#   severity: medium
#   kinds: [containerd/Container]
#   remediation: "Remove --device; if a device is required, pass it with the narrowest permissions (e.g. :r)."
package plimsoll.containerd.host_devices

import data.plimsoll.lib.containerd
import rego.v1

deny contains v if {
	containerd.workload
	not containerd.privileged
	some i, d in object.get(containerd.linux, "devices", [])
	v := {"msg": sprintf("%s is given host device %s", [containerd.container, d.path]), "path": ["spec", "linux", "devices", i]}
}
