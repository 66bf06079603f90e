# METADATA
# title: Container logs go to a central logging driver
# description: >-
#   With the json-file or local driver, container logs stay on the host and are lost with it; an intruder on the host can also edit them. CIS Docker 2.14 (v1.8 numbering), Level 2.
# custom:
#   id: PLM-DKR-0034
#   severity: low
#   kinds: [docker/Engine]
#   remediation: "Set \"log-driver\" in daemon.json to syslog, journald (shipped off the host), fluentd, gelf, awslogs, splunk or gcplogs."
#   command: {"edit-daemon-json": ".\"log-driver\" = \"journald\""}
package plimsoll.docker.remote_logging

import rego.v1

deny contains v if {
	driver := object.get(input.info, "LoggingDriver", "")
	driver in {"", "json-file", "local", "none"}
	v := {"msg": sprintf("engine %s keeps container logs on the host (logging driver %q)", [input.metadata.name, driver]), "path": ["info", "LoggingDriver"]}
}
