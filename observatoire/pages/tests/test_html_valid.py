"""Every main page is valid HTML, checked by html-validate (the npm package, pinned).

Invalid markup is what assistive technologies and old phones stumble on first, long before any
visual bug. The rules are html-validate's ``recommended`` and ``document`` presets, with three
relaxations in ``.htmlvalidate.json``, each a matter of source formatting or of third-party
assets that we do not have:

- ``doctype-style``: ``<!doctype html>`` in lower case is as valid as in upper case;
- ``no-trailing-whitespace``: the whitespace comes from template tags in the rendered output,
  not from markup someone typed, and browsers ignore it;
- ``require-sri`` only for cross-origin assets: ours are all served by us (a check enforced by
  the browser tests), and integrity hashes protect against a compromised third-party host.

html-validate reads the page from standard input: its file mode needs Node.js 22, its standard
input mode works on the Node.js of Debian stable too.
"""

import json
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from observatoire.accounts.tests.factories import make_user
from observatoire.pages.tests.browser import PASSWORD, make_corpus
from observatoire.practices.models import Practice
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db
HTML_VALIDATE = Path(settings.BASE_DIR) / "node_modules" / ".bin" / "html-validate"


# html-validate's own API, fed every page at once: one Node.js start for a whole test.
VALIDATE_PAGES = """
import { HtmlValidate, FileSystemConfigLoader } from "html-validate";
import { readFileSync } from "node:fs";
const pages = JSON.parse(readFileSync(0, "utf-8"));
const validator = new HtmlValidate(new FileSystemConfigLoader());
const found = {};
for (const [name, html] of Object.entries(pages)) {
  const report = await validator.validateString(html, `${name}.html`);
  found[name] = report.results.flatMap((result) => result.messages);
}
process.stdout.write(JSON.stringify(found));
"""


def validation_errors(pages: dict[str, str]) -> dict[str, list[str]]:
    """html-validate's errors for each page (by name), one readable line each."""
    assert HTML_VALIDATE.exists(), "html-validate manque : lancez « npm ci » (make npm)."
    result = subprocess.run(
        ["node", "--input-type=module", "-e", VALIDATE_PAGES],
        input=json.dumps(pages),
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"html-validate a échoué : {result.stderr[-2000:]}")
    errors = {}
    for name, messages in json.loads(result.stdout).items():
        lines = pages[name].splitlines()
        errors[name] = [
            f"{message['line']}:{message['column']} {message['ruleId']}: {message['message']}"
            f"\n      {lines[message['line'] - 1].strip()[:160]}"
            for message in messages
            if message["severity"] >= 2
        ]
    return errors


def assert_valid(responses: dict) -> None:
    pages = {}
    for name, response in responses.items():
        assert response["Content-Type"].startswith("text/html"), name
        pages[name] = response.content.decode()
    report = [
        f"{name} :\n  " + "\n  ".join(errors)
        for name, errors in validation_errors(pages).items()
        if errors
    ]
    assert not report, "HTML invalide\n" + "\n".join(report)


def test_public_pages_are_valid_html(client):
    featured = make_corpus()
    urls = {
        "accueil": reverse("pages:home"),
        "liste": reverse("practices:list"),
        "liste triée page 2": reverse("practices:list") + "?tri=titre&page=2",
        "recherche": reverse("practices:list") + "?q=gouvernance",
        "recherche sans résultat": reverse("practices:list") + "?q=zzzqqq&theme=inconnu",
        "recherche avec suggestion": reverse("practices:list") + "?q=gouvernence",
        "pratique": featured.get_absolute_url(),
        "catégories": reverse("practices:category_list"),
        "catégorie": featured.category.get_absolute_url(),
        "thème": reverse("practices:theme_detail", args=["gouvernance"]),
        "à propos": reverse("pages:about"),
        "connexion": reverse("accounts:login"),
    }
    # An unknown filter is dropped by a redirect; the clean page names it.
    responses = {name: client.get(url, follow=True) for name, url in urls.items()}
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(urls, 200)
    # The pages really hold what is validated: pagination, notices, a suggestion, resources.
    assert 'class="pagination"' in responses["liste triée page 2"].content.decode()
    assert "ignorés" in responses["recherche sans résultat"].content.decode()
    assert 'class="suggestion"' in responses["recherche avec suggestion"].content.decode()
    assert "Le guide des cercles" in responses["pratique"].content.decode()
    assert_valid(responses)


def test_error_and_signed_in_pages_are_valid_html(client):
    failed_login = client.post(
        reverse("accounts:login"), {"username": "personne@exemple.coop", "password": "faux"}
    )
    assert "incorrect" in failed_login.content.decode()
    not_found = client.get("/pratiques/cette-pratique-n-existe-pas/")
    assert not_found.status_code == 404

    user = make_user(email="membre@exemple.coop")
    reserved = make_practice(title="Réservée aux membres", visibility=Practice.Visibility.MEMBERS)
    assert client.login(username="membre@exemple.coop", password=PASSWORD)
    home = client.get(reverse("pages:home"))
    assert user.full_name in home.content.decode()
    reserved_page = client.get(reserved.get_absolute_url())
    assert reserved_page.status_code == 200

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english_home = client.get(reverse("pages:home"))
    assert 'lang="en"' in english_home.content.decode()

    assert_valid(
        {
            "connexion en erreur": failed_login,
            "page introuvable": not_found,
            "accueil connecté": home,
            "pratique réservée": reserved_page,
            "accueil en anglais": english_home,
        }
    )
