"""Claims of the test extranet's people, read from the users file that `serve.py` was given."""

import json
import os

from oauth2_provider.oauth2_validators import OAuth2Validator


def people_claims() -> dict[str, dict]:
    with open(os.environ["OIDC_PROVIDER_CONFIG"], encoding="utf-8") as config:
        return {person["username"]: person["claims"] for person in json.load(config)["people"]}


class ExtranetValidator(OAuth2Validator):
    # The extranet's own claims come with the "profile" scope, like the name.
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "siren": "profile",
        "roles": "profile",
        "organisation": "profile",
    }

    def get_additional_claims(self, request):
        return people_claims().get(request.user.username, {})
