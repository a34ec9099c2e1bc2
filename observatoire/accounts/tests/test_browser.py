# ruff: noqa: F811 (the browser fixtures are imported from the pages tests)
"""The paths of accounts in Debian's Chromium (Playwright): an invitation from the inviter's
form to the invited person's first sign-in, without JavaScript; and axe-core on every page."""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from observatoire.accounts.models import Invitation, Role
from observatoire.accounts.tests.factories import make_user
from observatoire.network.tests.factories import make_cooperative
from observatoire.pages.tests.test_browser import (  # noqa: F401 (fixtures)
    axe_violations,
    browser,
    new_page,
    restore_reference_data,
    sign_in,
    site,
    watch_errors,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path("/tmp/observatoire-captures")


def test_an_invitation_from_form_to_first_sign_in_without_javascript(browser, site, run_tasks):
    cooperative = make_cooperative(name="Scop du Tisserand")
    make_user(email="gerante@exemple.coop", role=Role.COOPERATIVE_ADMIN, cooperative=cooperative)
    page = new_page(browser, javascript=False)
    sign_in(page, site, "gerante@exemple.coop")
    page.get_by_role("link", name="Mon compte").click()
    page.get_by_role("link", name="Inviter une personne").click()
    page.get_by_label("Adresse électronique (obligatoire)").fill("nouvel-associe@exemple.coop")
    page.get_by_label("Nom complet (facultatif)").fill("Sacha Nouvel")
    page.get_by_label("Rôle (obligatoire)").select_option(label="membre")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_role("heading", name="Invitations envoyées")).to_be_visible()
    expect(page.get_by_text("Invitation envoyée à nouvel-associe@exemple.coop.")).to_be_visible()
    expect(page.get_by_role("rowheader", name=re.compile("nouvel-associe"))).to_be_visible()
    page.context.close()

    run_tasks()
    link = re.search(r"http://\S+/invitation/\S+/", mail.outbox[-1].body).group(0)
    path = link[link.index("/invitation/") :]
    page = new_page(browser, javascript=False)
    page.goto(site.url + path)
    expect(page.get_by_label("Nom complet (obligatoire)")).to_have_value("Sacha Nouvel")
    page.get_by_label("Mot de passe (obligatoire)", exact=True).fill("court")
    page.get_by_label("Mot de passe (encore) (obligatoire)").fill("court")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_text("Ce mot de passe est trop court")).to_be_visible()
    page.get_by_label("Mot de passe (obligatoire)", exact=True).fill("le-metier-a-tisser")
    page.get_by_label("Mot de passe (encore) (obligatoire)").fill("le-metier-a-tisser")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_text("Bienvenue ! Votre compte est créé")).to_be_visible()
    page.get_by_role("link", name="Mon compte").click()
    expect(page.get_by_role("heading", name="Mon compte")).to_be_visible()
    expect(page.get_by_text("nouvel-associe@exemple.coop (vérifiée)")).to_be_visible()
    assert Invitation.objects.get().accepted_at is not None
    page.context.close()


def test_accounts_pages_have_no_serious_accessibility_violation(browser, site):
    cooperative = make_cooperative()
    admin = make_user(
        email="gerante@exemple.coop", role=Role.COOPERATIVE_ADMIN, cooperative=cooperative
    )
    invitation = Invitation(email="x@exemple.coop", role=Role.MEMBER, cooperative=cooperative)
    invitation.invited_by = admin
    token = invitation.new_token()
    invitation.save()
    page = new_page(browser)
    errors = watch_errors(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    found = {}
    for name, path in {
        "mot de passe oublié": "/mot-de-passe/oublie/",
        "créer mon compte": f"/invitation/{token}/",
    }.items():
        page.goto(site.url + path)
        found[name] = axe_violations(page)
    sign_in(page, site, "gerante@exemple.coop")
    for name, path in {
        "mon compte": "/compte/",
        "changer d'adresse": "/compte/adresse/",
        "inviter": "/invitations/nouvelle/",
        "invitations envoyées": "/invitations/",
        "mes données": "/compte/mes-donnees/",
        "supprimer mon compte": "/compte/supprimer/",
        "changer de mot de passe": "/mot-de-passe/changer/",
    }.items():
        page.goto(site.url + path)
        page.screenshot(path=SCREENSHOTS / f"compte-{name}.png", full_page=True)
        found[name] = axe_violations(page)
    found = {name: violations for name, violations in found.items() if violations}
    assert not found, f"Violations d'accessibilité graves : {found}"
    assert errors == []
    page.context.close()
