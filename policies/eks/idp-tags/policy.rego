# METADATA
# title: Identity provider configs carry the required tags
# description: >-
#   A template: off until awsRequiredTags is configured. Security Hub EKS.7.
# custom:
#   id: PLM-EKS-0060
#   severity: low
#   kinds: [eks/IdentityProviderConfig]
#   parameters: [awsRequiredTags: list]
#   remediation: "Tag the identity provider config with every key in awsRequiredTags."
#   command: "aws eks tag-resource --region {{region}} --resource-arn \"$(aws eks describe-identity-provider-config --region {{region}} --cluster-name {{parent}} --identity-provider-config type=oidc,name={{child}} --query identityProviderConfig.oidc.identityProviderConfigArn --output text)\" --tags ${TAGS:?set TAGS to key=value,... for the required tags}"
package plimsoll.eks.idp_tags

import data.plimsoll.lib.aws
import rego.v1

deny contains v if {
	some k in aws.missing_tags
	v := {"msg": sprintf("%s has no %s tag", [aws.describe("EKS identity provider config"), k]), "path": ["metadata", "labels"]}
}
