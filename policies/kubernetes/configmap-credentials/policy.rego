# METADATA
# title: ConfigMaps hold no credentials
# description: >-
#   ConfigMaps are not secret: anyone who may read them (many roles may), every pod that mounts
#   them and every backup of etcd sees their values in plain text. A value is reported when its
#   key is named like a credential (password, token, secret, private key, access key, ...) or
#   the value itself is one (a PEM private key, an AWS access key id, a GitHub, GitLab or
#   Slack token, a JSON Web Token). Plimsoll masks such values when it reads them, so they
#   never reach a report or a snapshot; the finding names the key only.
# custom:
#   id: PLM-K8S-0083
#   severity: high
#   kinds: [kubernetes/ConfigMap]
#   remediation: Move the value to a Secret (or an external secret store) and reference it from there; rotate it, since it has been readable.
#   fix: {manual: "the value must move to a Secret and be rotated, which a person does"}
package plimsoll.kubernetes.configmap_credentials

import rego.v1

# Keys named like a credential whose values are settings about it, not the credential.
setting_suffixes := [
	"ttl", "seconds", "timeout", "url", "uri", "path", "file", "enabled", "length", "expiry",
	"expiration", "name", "type", "mode", "header", "endpoint", "duration", "interval",
	"issuer", "audience", "ref",
]

setting(key) if {
	folded := lower(replace(replace(replace(key, "-", ""), "_", ""), ".", ""))
	some suffix in setting_suffixes
	endswith(folded, suffix)
}

deny contains v if {
	some field in ["data", "binaryData"]
	some key, value in object.get(input, field, {})
	value == "<redacted>"
	not setting(key)
	v := {
		"msg": sprintf("ConfigMap %s holds a credential under %s (the value is masked)", [input.metadata.name, key]),
		"path": [field, key],
	}
}
