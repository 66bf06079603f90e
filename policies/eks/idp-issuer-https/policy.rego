# METADATA
# title: OIDC identity providers use an HTTPS issuer
# description: >-
#   An issuer URL without https lets the tokens signing keys be fetched over an unauthenticated channel.
# custom:
#   id: PLM-EKS-0061
#   severity: medium
#   kinds: [eks/IdentityProviderConfig]
#   remediation: "Use the identity provider https issuer URL."
#   command: {"manual": "an identity provider's issuer is fixed: associate one with the https issuer and disassociate this one"}
package plimsoll.eks.idp_issuer_https

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	not startswith(object.get(aws.d, "issuerUrl", ""), "https://")
	v := {"msg": sprintf("%s has issuer %s", [aws.describe("EKS identity provider config"), object.get(aws.d, "issuerUrl", "(none)")]), "path": ["data", "issuerUrl"]}
}
