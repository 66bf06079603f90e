# METADATA
# title: Images do not run package-index updates on their own
# description: >-
#   A RUN apt-get update (or apk update, yum makecache) in its own layer is cached and reused by later builds, which then install outdated packages. A heuristic over the image history. CIS Docker 4.7.
# custom:
#   id: PLM-DKR-0041
#   severity: info
#   kinds: [docker/Image]
#   remediation: "Combine the update with the install in one RUN: apt-get update && apt-get install -y ..."
#   command: {"manual": "the fix is in the Dockerfile: join the update and the install in one RUN and rebuild"}
package plimsoll.docker.image_update_alone

import rego.v1

updates := `(apt-get|apt|yum|dnf|apk|zypper)\s+(update|makecache|refresh)`

installs := `(apt-get|apt|yum|dnf|apk|zypper)\s+(install|add|upgrade)`

deny contains v if {
	some i, line in object.get(input.data, "history", [])
	is_string(line)
	regex.match(updates, line)
	not regex.match(installs, line)
	v := {"msg": sprintf("image %s updates the package index alone: %s", [input.metadata.name, trim_space(line)]), "path": ["data", "history", i]}
}
