"""Sign in with the extranet, end to end against a real OpenID provider.

The provider is django-oauth-toolkit (OpenID Connect, RS256, PKCE required) running as its own
Django project in a separate process (`oidc_provider/`), on 127.0.0.1 while the Observatoire's
live server answers on localhost, so that their cookies never mix. Most tests play the person
with two agents: `requests` signs in at the provider and follows its redirection, Django's test
client is the Observatoire's side. The browser test does the same clicks in Debian's Chromium,
under the site's real CSP.
"""

import hashlib
import json
import os
import selectors
import subprocess
import sys
from base64 import urlsafe_b64encode
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth import get_user
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from observatoire.accounts import oidc
from observatoire.accounts.models import Role, User
from observatoire.accounts.tests.factories import make_user
from observatoire.lib.identifiers import siren_with_checksum
from observatoire.network.models import Organisation
from observatoire.network.tests.factories import make_cooperative
from observatoire.pages.tests.test_browser import axe_violations
from observatoire.pages.tests.test_html_valid import validation_errors

# Playwright's sync API runs an event loop in this thread (see pages/tests/test_browser.py).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CLIENT_ID = "observatoire-essais"
CLIENT_SECRET = "secret-du-client-observatoire-essais"
PASSWORD = "mot-de-passe-extranet"
LOCAL_PASSWORD = "un-mot-de-passe-solide"
KNOWN_SIREN = siren_with_checksum("41234567")
UNKNOWN_SIREN = siren_with_checksum("51234567")
BACKEND = "observatoire.accounts.oidc.ExtranetBackend"
REFERENCE_FIXTURES = ("network", "taxonomy")

# The extranet's people and what it says about them.
PEOPLE: dict[str, dict] = {
    "dirigeante": {
        "email": "camille.dirigeante@coop-extranet.coop",
        "name": "Camille Dirigeante",
        "roles": ["Dirigeante", "salariée-associée"],
        "siren": KNOWN_SIREN,
    },
    "salarie": {
        "email": "sacha.salarie@coop-extranet.coop",
        "given_name": "Sacha",
        "family_name": "Salarié",
        "roles": "Salarié",
        "siren": f"{KNOWN_SIREN[:3]} {KNOWN_SIREN[3:6]} {KNOWN_SIREN[6:]}",
    },
    "permanente": {
        "email": "dominique.permanente@ur-bretagne.coop",
        "name": "Dominique Permanente",
        "roles": ["permanent UR"],
        "organisation": "ur-bretagne",
    },
    "inconnue": {
        "email": "alex.inconnue@autre-coop.coop",
        "name": "Alex Inconnue",
        "roles": ["salarié"],
        "siren": UNKNOWN_SIREN,
    },
    "non_verifiee": {
        "email": "locale@exemple.coop",
        "email_verified": False,
        "name": "Quelqu'un d'autre",
        "siren": KNOWN_SIREN,
    },
    "sans_email": {"name": "Sans Adresse", "siren": KNOWN_SIREN},
    "se_dit_admin": {
        "email": "claude@coop-extranet.coop",
        "name": "Claude",
        "roles": ["administrator", "administrateur", "salarié"],
        "siren": KNOWN_SIREN,
    },
    "locale": {
        "email": "Locale@Exemple.COOP",
        "name": "Lou Locale",
        "roles": ["dirigeant"],
        "siren": KNOWN_SIREN,
    },
}


def claims_of(username: str) -> dict:
    claims = dict(PEOPLE[username])
    if "email" in claims:
        claims.setdefault("email_verified", True)
    return claims


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The extranet: django-oauth-toolkit in its own process; yields its base URL."""
    work_dir = tmp_path_factory.mktemp("oidc-provider")
    config = work_dir / "config.json"
    config.write_text(
        json.dumps(
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [
                    "http://testserver/oidc/callback/",
                    "http://localhost/oidc/callback/",  # the live server, any port
                ],
                "people": [
                    {"username": name, "password": PASSWORD, "claims": claims_of(name)}
                    for name in PEOPLE
                ],
            }
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "OIDC_PROVIDER_DIR": str(work_dir)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "observatoire.accounts.tests.oidc_provider.serve", str(config)],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=(work_dir / "stderr.txt").open("w"),
        text=True,
    )
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout=60):
                pytest.fail("Le fournisseur OpenID de test n'a pas démarré en 60 s.")
        base_url = process.stdout.readline().strip()
        if not base_url:
            pytest.fail((work_dir / "stderr.txt").read_text())
        discovery = requests.get(f"{base_url}/o/.well-known/openid-configuration/", timeout=10)
        assert discovery.status_code == 200
        yield discovery.json()
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def extranet(settings, provider, db):
    """The Observatoire configured for the provider, as the OIDC_* variables would."""
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = provider["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = provider["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = provider["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = provider["jwks_uri"]
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    return provider


@pytest.fixture
def known_cooperative(db):
    return make_cooperative(name="Scop de l'Extranet", siren=KNOWN_SIREN)


def with_query(url: str, **changes) -> str:
    """``url`` with some query parameters replaced (None removes one)."""
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    query = {key: value for key, value in query.items() if value is not None}
    return urlunsplit(parts._replace(query=urlencode(query)))


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def provider_redirect(authorize_url: str, username: str) -> str:
    """Sign in at the provider as ``username`` and return where it sends the browser back."""
    parts = urlsplit(authorize_url)
    base = f"{parts.scheme}://{parts.netloc}"
    next_path = urlunsplit(("", "", parts.path, parts.query, ""))
    agent = requests.Session()
    agent.get(f"{base}/connexion/", params={"next": next_path}, timeout=10)
    response = agent.post(
        f"{base}/connexion/",
        data={
            "username": username,
            "password": PASSWORD,
            "next": next_path,
            "csrfmiddlewaretoken": agent.cookies["op_csrf"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, "sign-in at the provider failed"
    response = agent.get(authorize_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]


def start(client, next_url: str | None = None) -> str:
    response = client.get(
        reverse("oidc_authentication_init"), {"next": next_url} if next_url else {}
    )
    assert response.status_code == 302
    return response["Location"]


def come_back(client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(parts.path, query_of(callback_url))


def sign_in(client, username: str, next_url: str | None = None):
    return come_back(client, provider_redirect(start(client, next_url), username))


def messages_after(client, response) -> str:
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    return client.get(response["Location"]).content.decode()


# The flow.


def test_the_authorization_request_uses_pkce_state_and_nonce(client, extranet):
    params = query_of(start(client, "/pratiques/"))
    assert params["response_type"] == "code"
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == "http://testserver/oidc/callback/"
    assert set(params["scope"].split()) >= {"openid", "email", "profile"}
    assert params["code_challenge_method"] == "S256"
    stored = client.session["oidc_states"][params["state"]]
    assert stored["nonce"] == params["nonce"]
    digest = hashlib.sha256(stored["code_verifier"].encode()).digest()
    assert urlsafe_b64encode(digest).rstrip(b"=").decode() == params["code_challenge"]


def test_the_provider_refuses_a_token_request_without_the_verifier(extranet, client):
    """PKCE is enforced at the provider: a stolen code is useless without the verifier."""

    def code_for(challenge_from: str) -> str:
        challenge = urlsafe_b64encode(hashlib.sha256(challenge_from.encode()).digest())
        authorize = with_query(
            start(client), code_challenge=challenge.rstrip(b"=").decode(), state="s"
        )
        return query_of(provider_redirect(authorize, "dirigeante"))["code"]

    token_request = {
        "grant_type": "authorization_code",
        "redirect_uri": "http://testserver/oidc/callback/",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    verifier = "v" * 64
    refused = requests.post(
        extranet["token_endpoint"], data={**token_request, "code": code_for(verifier)}, timeout=10
    )
    assert refused.status_code == 400
    assert "id_token" not in refused.json()
    wrong = requests.post(
        extranet["token_endpoint"],
        data={**token_request, "code": code_for(verifier), "code_verifier": "w" * 64},
        timeout=10,
    )
    assert wrong.status_code == 400
    accepted = requests.post(
        extranet["token_endpoint"],
        data={**token_request, "code": code_for(verifier), "code_verifier": verifier},
        timeout=10,
    )
    assert accepted.status_code == 200
    assert "id_token" in accepted.json()


def test_a_cooperative_leader_signs_in_and_gets_an_account(client, extranet, known_cooperative):
    response = sign_in(client, "dirigeante", "/pratiques/")
    assert response.status_code == 302
    assert response["Location"] == "/pratiques/"
    user = User.objects.get(email="camille.dirigeante@coop-extranet.coop")
    assert get_user(client).pk == user.pk
    assert user.full_name == "Camille Dirigeante"
    assert user.role == Role.COOPERATIVE_ADMIN  # the highest of its two extranet roles
    assert user.cooperative == known_cooperative
    assert user.organisation is None
    assert not user.has_usable_password()
    assert user.email_verified_at is not None


def test_signing_in_again_updates_the_same_account(client, extranet, known_cooperative):
    sign_in(client, "salarie")
    user = User.objects.get(email="sacha.salarie@coop-extranet.coop")
    assert (user.role, user.cooperative, user.full_name) == (
        Role.MEMBER,
        known_cooperative,
        "Sacha Salarié",
    )
    user.full_name = "Ancien nom"
    user.save()
    client.logout()
    sign_in(client, "salarie")
    assert User.objects.filter(email__iexact="sacha.salarie@coop-extranet.coop").count() == 1
    user.refresh_from_db()
    assert user.full_name == "Sacha Salarié"


def test_a_permanent_gets_the_organisation_of_the_claim(client, extranet, known_cooperative):
    sign_in(client, "permanente")
    user = User.objects.get(email="dominique.permanente@ur-bretagne.coop")
    assert user.role == Role.PERMANENT
    assert user.organisation == Organisation.objects.get(slug="ur-bretagne")
    assert user.cooperative is None
    assert get_user(client).pk == user.pk


def test_a_local_account_is_found_by_email_and_keeps_its_password(
    client, extranet, known_cooperative
):
    local = make_user(
        email="locale@exemple.coop",
        full_name="Lou",
        role=Role.MEMBER,
        cooperative=make_cooperative(),
    )
    sign_in(client, "locale")
    assert get_user(client).pk == local.pk
    local.refresh_from_db()
    assert (local.role, local.cooperative, local.full_name) == (
        Role.COOPERATIVE_ADMIN,
        known_cooperative,
        "Lou Locale",
    )
    assert User.objects.filter(email__iexact="locale@exemple.coop").count() == 1
    assert local.email_verified_at is not None
    client.logout()
    response = client.post(
        reverse("accounts:login"), {"username": "locale@exemple.coop", "password": LOCAL_PASSWORD}
    )
    assert response.status_code == 302
    assert get_user(client).pk == local.pk


def test_no_claim_makes_an_administrator(client, extranet, known_cooperative):
    sign_in(client, "se_dit_admin")
    user = User.objects.get(email="claude@coop-extranet.coop")
    assert user.role == Role.MEMBER
    assert not user.is_staff and not user.is_superuser


def test_an_administrator_keeps_the_role_given_here(client, extranet):
    """Roles granted on the platform are kept, even when the extranet's cooperative is unknown."""
    admin = make_user(email="alex.inconnue@autre-coop.coop", role=Role.ADMINISTRATOR, is_staff=True)
    sign_in(client, "inconnue")
    assert get_user(client).pk == admin.pk
    admin.refresh_from_db()
    assert admin.role == Role.ADMINISTRATOR
    assert admin.full_name == "Alex Inconnue"


# Refusals and failures: back on the sign-in page with a French message, never an error page.


def test_an_unknown_cooperative_is_refused_with_what_to_do(client, extranet, known_cooperative):
    page = messages_after(client, sign_in(client, "inconnue"))
    assert (
        f"Votre coopérative (SIREN {UNKNOWN_SIREN}) n&#x27;est pas encore dans l&#x27;annuaire"
        in page
    )
    assert "Union régionale" in page
    assert not User.objects.filter(email="alex.inconnue@autre-coop.coop").exists()
    assert not get_user(client).is_authenticated


def test_an_unverified_email_never_opens_the_local_account(client, extranet, known_cooperative):
    make_user(email="locale@exemple.coop", cooperative=known_cooperative)
    page = messages_after(client, sign_in(client, "non_verifiee"))
    assert "n&#x27;est pas vérifiée par l&#x27;extranet" in page
    assert not get_user(client).is_authenticated


def test_a_missing_email_is_refused(client, extranet, known_cooperative):
    page = messages_after(client, sign_in(client, "sans_email"))
    assert "n&#x27;a pas transmis votre adresse électronique" in page
    assert not get_user(client).is_authenticated


def test_a_disabled_account_stays_closed(client, extranet, known_cooperative):
    make_user(email="claude@coop-extranet.coop", cooperative=known_cooperative, is_active=False)
    page = messages_after(client, sign_in(client, "se_dit_admin"))
    assert "Ce compte est désactivé." in page
    assert not get_user(client).is_authenticated


def test_a_token_for_another_nonce_is_rejected(client, extranet, known_cooperative):
    authorize = with_query(start(client), nonce="un-autre-nonce-que-celui-de-la-session")
    page = messages_after(client, come_back(client, provider_redirect(authorize, "dirigeante")))
    assert "La connexion par l&#x27;extranet n&#x27;a pas abouti" in page
    assert not User.objects.filter(email="camille.dirigeante@coop-extranet.coop").exists()
    assert not get_user(client).is_authenticated


def test_a_wrong_or_replayed_state_is_rejected(client, extranet, known_cooperative):
    callback = provider_redirect(start(client), "dirigeante")
    page = messages_after(client, come_back(client, with_query(callback, state="falsifie")))
    assert "La connexion par l&#x27;extranet n&#x27;a pas abouti" in page
    assert not get_user(client).is_authenticated
    assert come_back(client, callback)["Location"] == "/"  # the real state works once...
    assert get_user(client).is_authenticated
    client.logout()
    page = messages_after(client, come_back(client, callback))  # ...and never again
    assert "n&#x27;a pas abouti" in page
    assert not get_user(client).is_authenticated


def test_without_pkce_the_provider_refuses_and_we_say_so(client, extranet, known_cooperative):
    authorize = with_query(start(client), code_challenge=None, code_challenge_method=None)
    callback = provider_redirect(authorize, "dirigeante")
    assert query_of(callback)["error"] == "invalid_request"
    page = messages_after(client, come_back(client, callback))
    assert "L&#x27;extranet a refusé la connexion." in page


def test_a_cancelled_sign_in_is_explained(client, extranet):
    state = query_of(start(client))["state"]
    page = messages_after(
        client,
        client.get(
            reverse("oidc_authentication_callback"), {"error": "access_denied", "state": state}
        ),
    )
    assert "Vous avez annulé la connexion par l&#x27;extranet." in page
    assert state not in client.session["oidc_states"]


def test_an_unreachable_provider_is_explained(client, extranet, settings, known_cooperative):
    callback = provider_redirect(start(client), "dirigeante")
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/o/token/"  # nothing listens there
    page = messages_after(client, come_back(client, callback))
    assert "L&#x27;extranet ne répond pas pour le moment." in page


def test_a_provider_answer_without_keys_is_explained(client, extranet, settings, known_cooperative):
    callback = provider_redirect(start(client), "dirigeante")
    # A JSON document, but not a key set: no "keys" in it.
    settings.OIDC_OP_JWKS_ENDPOINT = f"{extranet['issuer']}/.well-known/openid-configuration/"
    page = messages_after(client, come_back(client, callback))
    assert "La connexion par l&#x27;extranet n&#x27;a pas abouti" in page
    assert not get_user(client).is_authenticated


# Configuration.


def test_the_login_page_offers_the_extranet_only_when_configured(client, settings, db):
    settings.OIDC_RP_CLIENT_ID = ""
    page = client.get(reverse("accounts:login"), {"next": "/pratiques/"}).content.decode()
    assert "Se connecter avec l&#x27;extranet" not in page
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://extranet.exemple.coop/authorize"
    page = client.get(reverse("accounts:login"), {"next": "/pratiques/"}).content.decode()
    assert "Se connecter avec l&#x27;extranet" in page
    assert 'href="/oidc/authenticate/?next=/pratiques/"' in page


def test_the_login_page_with_the_extranet_and_a_refusal_is_valid_html(
    client, extranet, known_cooperative
):
    sign_in(client, "inconnue")
    response = client.get(reverse("accounts:login"), {"next": "/pratiques/"})
    page = response.content.decode()
    assert "n&#x27;est pas encore dans l&#x27;annuaire" in page
    assert "Se connecter avec l&#x27;extranet" in page
    assert validation_errors({"connexion": page}) == {"connexion": []}


def test_local_accounts_keep_working_beside_the_extranet(client, extranet, member):
    response = client.post(
        reverse("accounts:login"), {"username": member.email, "password": LOCAL_PASSWORD}
    )
    assert response.status_code == 302
    assert get_user(client).pk == member.pk


def test_a_password_form_with_a_code_in_its_url_starts_no_token_exchange(
    client, extranet, settings, member
):
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/o/token/"  # would fail loudly
    response = client.post(
        reverse("accounts:login") + "?code=vole&state=vole",
        {"username": member.email, "password": "faux"},
    )
    assert response.status_code == 200
    assert not get_user(client).is_authenticated


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"OIDC_ROLE_MAPPING": "{pas du json"}, "OIDC_ROLE_MAPPING : JSON invalide"),
        ({"OIDC_ROLE_MAPPING": '{"chef": "administrator"}'}, "OIDC_ROLE_MAPPING associe"),
        ({"OIDC_RP_CLIENT_ID": "x"}, "il manque OIDC_RP_CLIENT_SECRET"),
    ],
)
def test_bad_configuration_is_refused_at_start(variables, message):
    env = {**os.environ, **variables}
    result = subprocess.run(
        [sys.executable, "-c", "import observatoire.settings"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert message in result.stderr


# Claims to role, cooperative and organisation.


def test_roles_are_matched_without_case_or_accents_and_the_highest_wins(known_cooperative):
    claims = {"siren": KNOWN_SIREN, "roles": ["SALARIE", "  Gérante "]}
    membership = oidc.membership_from_claims(claims)
    assert (membership.role, membership.cooperative) == (Role.COOPERATIVE_ADMIN, known_cooperative)
    assert oidc.membership_from_claims({"siren": KNOWN_SIREN}).role == Role.MEMBER
    assert oidc.membership_from_claims({"siren": KNOWN_SIREN, "roles": ["inconnu"]}).role == (
        Role.MEMBER
    )


def test_the_mapping_comes_from_settings_and_never_gives_administrator(settings, known_cooperative):
    settings.OIDC_ROLE_MAPPING = {"Chef": "administrator", "Animatrice": "moderator"}
    assert oidc.membership_from_claims({"siren": KNOWN_SIREN, "roles": "chef"}).role == Role.MEMBER
    membership = oidc.membership_from_claims({"roles": "animatrice", "organisation": "CG-SCOP"})
    assert membership.role == Role.MODERATOR
    assert membership.organisation == Organisation.objects.get(slug="cg-scop")


def test_claim_names_come_from_settings(settings, known_cooperative):
    settings.OIDC_CLAIM_SIREN = "urn:extranet:siren"
    settings.OIDC_CLAIM_ROLES = "groups"
    membership = oidc.membership_from_claims(
        {"urn:extranet:siren": [KNOWN_SIREN], "groups": ["dirigeant"]}
    )
    assert (membership.role, membership.cooperative) == (Role.COOPERATIVE_ADMIN, known_cooperative)


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"roles": ["permanent UR"]}, "votre organisation (« ? ») est inconnue"),
        ({"roles": ["permanent UR"], "organisation": "ur-atlantide"}, "« ur-atlantide »"),
        ({"roles": ["salarié"]}, "n'indique pas votre coopérative"),
        ({"siren": UNKNOWN_SIREN}, f"SIREN {UNKNOWN_SIREN}"),
    ],
)
def test_claims_that_cannot_be_mapped_are_refused(claims, message, known_cooperative):
    with pytest.raises(oidc.Refusal) as refusal:
        oidc.membership_from_claims(claims)
    assert message in refusal.value.message


@pytest.mark.parametrize(
    ("claims", "accepted"),
    [
        ({"email": "A@B.coop", "email_verified": True}, True),
        ({"email": "a@b.coop", "email_verified": "true"}, True),
        ({"email": "a@b.coop"}, False),
        ({"email": "a@b.coop", "email_verified": False}, False),
        ({"email": "", "email_verified": True}, False),
    ],
)
def test_only_a_verified_email_is_accepted(claims, accepted):
    if accepted:
        assert oidc.verified_email(claims) == "a@b.coop"
    else:
        with pytest.raises(oidc.Refusal):
            oidc.verified_email(claims)


# In a real browser, under the site's CSP.

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium manque ({CHROMIUM}) : apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def restore_reference_data(django_db_blocker):
    """The flush after the transactional test removed the reference data: put it back."""
    yield
    with django_db_blocker.unblock():
        call_command("loaddata", *REFERENCE_FIXTURES, verbosity=0)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_extranet_and_the_password_both_sign_in(
    browser, live_server, extranet, restore_reference_data
):
    call_command("loaddata", *REFERENCE_FIXTURES, verbosity=0)
    cooperative = make_cooperative(name="Scop de l'Extranet", siren=KNOWN_SIREN)
    local = make_user(email="lou@exemple.coop", cooperative=cooperative)
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            message.type == "error" and problems.append(f"{message.location} {message.text}")
        ),
    )
    authorize_requests: list[str] = []
    page.on(
        "request",
        lambda request: (
            request.url.startswith(extranet["authorization_endpoint"])
            and authorize_requests.append(request.url)
        ),
    )

    page.goto(f"{live_server.url}/connexion/?next=/pratiques/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Se connecter avec l'extranet").click()
    page.get_by_label("Identifiant").fill("dirigeante")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter à l'extranet").click()
    page.wait_for_url(f"{live_server.url}/pratiques/")
    user = User.objects.get(email="camille.dirigeante@coop-extranet.coop")
    assert (user.role, user.cooperative_id) == (Role.COOPERATIVE_ADMIN, cooperative.pk)
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    assert authorize_requests
    assert query_of(authorize_requests[0])["code_challenge_method"] == "S256"
    assert problems == []  # no CSP violation on the way

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse électronique").fill(local.email)
    page.get_by_label("Mot de passe").fill(LOCAL_PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_role("link", name="Se connecter avec l'extranet").click()
    # Still signed in at the extranet: it sends the person straight back.
    page.wait_for_url(f"{live_server.url}/**")
    assert page.url.startswith(f"{live_server.url}/")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    assert problems == []
    context.close()

    # Someone whose cooperative is not in the directory reads why, on the sign-in page.
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_role("link", name="Se connecter avec l'extranet").click()
    page.get_by_label("Identifiant").fill("inconnue")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter à l'extranet").click()
    page.wait_for_url(f"{live_server.url}/connexion/")
    expect(page.get_by_text(f"Votre coopérative (SIREN {UNKNOWN_SIREN})")).to_be_visible()
    assert axe_violations(page) == []
    context.close()
