# METADATA
# title: The engine does not use the aufs or devicemapper storage driver
# description: >-
#   aufs is unmaintained and has known kernel problems; devicemapper in loop-lvm mode is unsuitable for production and both are removed from current Docker releases. CIS Docker 2.6 and 2.7 (v1.8).
# custom:
#   id: PLM-DKR-0030
#   severity: medium
#   kinds: [docker/Engine]
#   remediation: "Move the engine to overlay2 (export images, switch storage-driver in daemon.json, re-import)."
#   command: {"manual": "changing the storage driver hides the existing images and containers: export them, set storage-driver overlay2, re-import"}
package plimsoll.docker.storage_driver

import rego.v1

deny contains v if {
	driver := input.info.Driver
	driver in {"aufs", "devicemapper"}
	v := {"msg": sprintf("engine %s uses the %s storage driver", [input.metadata.name, driver]), "path": ["info", "Driver"]}
}
