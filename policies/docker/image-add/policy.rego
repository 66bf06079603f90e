# METADATA
# title: Images are built with COPY rather than ADD
# description: >-
#   ADD fetches URLs and unpacks archives implicitly, so what ends up in the image depends on remote content and archive contents. The base layer an image starts from (ADD file:<digest>) is not counted. A heuristic over the image history. CIS Docker 4.9.
# custom:
#   id: PLM-DKR-0040
#   severity: info
#   kinds: [docker/Image]
#   remediation: "Use COPY for local files, and curl/wget with a checksum for remote ones."
#   command: {"manual": "the fix is in the Dockerfile: replace ADD with COPY and rebuild"}
package plimsoll.docker.image_add

import rego.v1

deny contains v if {
	some i, line in object.get(input.data, "history", [])
	is_string(line)
	regex.match(`(#\(nop\)\s*|^)ADD\s`, line)
	not regex.match(`ADD\s+(file|multi):[0-9a-f]+ in `, line)
	v := {"msg": sprintf("image %s was built with ADD: %s", [input.metadata.name, trim_space(line)]), "path": ["data", "history", i]}
}
