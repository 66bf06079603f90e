# METADATA
# title: Containers are not given host devices
# description: >-
#   A host device in a container (--device) gives direct access to hardware or kernel interfaces and bypasses the isolation of the container. CIS Docker 5.18.
# custom:
#   id: PLM-DKR-0014
#   severity: medium
#   kinds: [docker/Container]
#   remediation: "Remove --device unless the workload needs the device; then grant only read access (--device /dev/x:/dev/x:r)."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) without --device"}
package plimsoll.docker.host_devices

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	some i, dev in object.get(docker.host_config, "Devices", [])
	v := {"msg": sprintf("%s has host device %s (%s)", [docker.container, dev.PathOnHost, object.get(dev, "CgroupPermissions", "")]), "path": ["data", "HostConfig", "Devices", i]}
}
