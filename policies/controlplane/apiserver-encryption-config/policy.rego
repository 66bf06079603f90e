# METADATA
# title: Secrets are encrypted at rest
# description: >-
#   Without --encryption-provider-config Secrets are stored in etcd in plain text; its backups hold every credential. The providers in the file are not read here (CIS 1.2.28 needs the file). CIS Kubernetes 1.2.27.
# custom:
#   id: PLM-CP-0026
#   severity: high
#   kinds: [kubernetes/KubeAPIServer]
#   remediation: "Write an EncryptionConfiguration (aescbc, secretbox or kms first) and set --encryption-provider-config."
package plimsoll.controlplane.apiserver_encryption_config

import data.plimsoll.lib.controlplane as cp
import rego.v1

deny contains v if {
	not cp.set("encryption-provider-config")
	v := cp.at("encryption-provider-config", "does not encrypt data at rest (no --encryption-provider-config)")
}
