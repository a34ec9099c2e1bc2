"""The practice form in a real browser (issue 8, point 17): the error summary takes the focus
and leads to each field, the chosen category's themes come first, staff get suggestions of
cooperatives as they type, and the preview submits; under the site's CSP, without error."""

import pytest
from playwright.sync_api import expect

from observatoire.accounts.models import Role
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
from observatoire.practices.models import Practice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_error_summary_takes_the_focus_and_leads_to_each_field(browser, site):  # noqa: F811
    make_user(email="contributrice@exemple.coop", cooperative=make_cooperative())
    page = new_page(browser)
    errors = watch_errors(page)
    sign_in(page, site, "contributrice@exemple.coop")
    page.goto(site.url + "/pratiques/soumettre/")
    page.get_by_label("Titre (obligatoire)").fill("Un café des associés")
    page.get_by_label("Ce qui a été fait (obligatoire)").fill("Un café chaque lundi.")
    page.get_by_role("button", name="Soumettre à la relecture").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("2 erreurs à corriger")
    assert not axe_violations(page)
    summary.get_by_role("link", name="Catégorie").click()
    expect(page.get_by_label("Catégorie (obligatoire)")).to_be_focused()
    expect(page.get_by_label("Titre (obligatoire)")).to_have_value("Un café des associés")

    # The themes of the category chosen come first at once.
    legends = page.locator(".theme-group > legend")
    expect(legends.first).to_have_text("Un projet commun")
    page.get_by_label("Catégorie (obligatoire)").select_option(label="Un vécu")
    expect(legends.first).to_have_text("Un vécu")
    page.get_by_label("Catégorie (obligatoire)").select_option(label="La performance globale")
    expect(legends.first).to_have_text("La performance globale")
    expect(legends.nth(1)).to_have_text("Un projet commun")  # the others in their order

    page.get_by_label("En bref (obligatoire)").fill("Trente minutes pour se parler.")
    page.get_by_role("button", name="Prévisualiser").click()
    page.get_by_role("button", name="Soumettre à la relecture").click()
    expect(page.get_by_role("heading", name="Mes contributions")).to_be_visible()
    assert Practice.objects.get().status == Practice.Status.SUBMITTED
    assert errors == []
    page.context.close()


def test_staff_find_a_cooperative_by_its_name(browser, site):  # noqa: F811
    spotted = make_cooperative(name="Scop Les Tisserands du Vercors", commune="Die")
    make_cooperative(name="Scop Les Menuisiers")
    make_user(email="permanente@exemple.coop", role=Role.PERMANENT, organisation=spotted.union)
    page = new_page(browser)
    errors = watch_errors(page)
    sign_in(page, site, "permanente@exemple.coop")
    page.goto(site.url + "/pratiques/soumettre/")
    page.get_by_label("Coopérative qui porte la pratique").press_sequentially("tisser")
    suggestion = page.locator("#cooperative-suggestions option")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_have_attribute(
        "value", f"Scop Les Tisserands du Vercors ({spotted.siren})"
    )
    assert errors == []
    page.context.close()
