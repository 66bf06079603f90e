# METADATA
# title: Live restore is enabled
# description: >-
#   With live restore, containers keep running while the daemon restarts or is upgraded, so patching the engine does not mean downtime (and is not postponed). CIS Docker 2.16 (v1.8 numbering).
# custom:
#   id: PLM-DKR-0031
#   severity: low
#   kinds: [docker/Engine]
#   remediation: "Set \"live-restore\": true in daemon.json and reload the daemon."
#   command: {"edit-daemon-json": ".\"live-restore\" = true"}
package plimsoll.docker.live_restore

import rego.v1

deny contains v if {
	input.info.LiveRestoreEnabled != true
	v := {"msg": sprintf("engine %s has live restore off", [input.metadata.name]), "path": ["info", "LiveRestoreEnabled"]}
}
