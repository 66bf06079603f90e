# METADATA
# title: Containers mount their root filesystem read-only
# description: >-
#   A writable root filesystem lets an intruder change the binaries and configuration of the container and persist there. CIS Docker 5.13.
# custom:
#   id: PLM-DKR-0011
#   severity: low
#   kinds: [docker/Container]
#   remediation: "Run the container with --read-only and mount volumes or tmpfs where it writes."
#   command: {"manual": "docker update cannot change it: recreate the container (docker rm, then docker run) with --read-only (and tmpfs or volumes where it writes)"}
package plimsoll.docker.read_only_rootfs

import data.plimsoll.lib.docker
import rego.v1

deny contains v if {
	docker.host_config.ReadonlyRootfs != true
	v := {"msg": sprintf("%s has a writable root filesystem", [docker.container]), "path": ["data", "HostConfig", "ReadonlyRootfs"]}
}
