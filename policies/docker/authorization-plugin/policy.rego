# METADATA
# title: Client commands go through an authorization plugin
# description: >-
#   Without an authorization plugin, anyone who can reach the Docker socket can do everything the daemon can. CIS Docker 2.13 (v1.8 numbering), Level 2.
# custom:
#   id: PLM-DKR-0035
#   severity: low
#   kinds: [docker/Engine]
#   remediation: "Install an authorization plugin (for example opa-docker-authz) and list it in \"authorization-plugins\" in daemon.json."
#   command: {"manual": "the plugin and its policy are a choice: install one (docker plugin install), then list it in authorization-plugins in daemon.json"}
package plimsoll.docker.authorization_plugin

import rego.v1

deny contains v if {
	not has_plugin
	v := {"msg": sprintf("engine %s has no authorization plugin", [input.metadata.name]), "path": ["info", "Plugins", "Authorization"]}
}

has_plugin if {
	plugins := object.get(input.info, ["Plugins", "Authorization"], [])
	is_array(plugins)
	count(plugins) > 0
}
