"""Attachments in a real browser, without JavaScript: a refused file is explained, the accepted
one stays without a new upload, and the pages with documents pass axe-core."""

import pytest
from playwright.sync_api import expect

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
from observatoire.practices.models import Attachment, Practice
from observatoire.practices.tests.test_attachments import SVG, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


FILES = [
    {"name": "statuts.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
    {"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": SVG},
]


def test_a_refused_file_is_explained_and_the_accepted_one_stays(browser, site, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    make_user(email="contributrice@exemple.coop", cooperative=make_cooperative())
    page = new_page(browser, javascript=False)
    sign_in(page, site, "contributrice@exemple.coop")
    page.goto(site.url + "/pratiques/soumettre/")
    page.get_by_label("Titre (obligatoire)").fill("Nos statuts commentés")
    page.get_by_label("Ajouter des fichiers").set_input_files(FILES)
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator("#id_documents_error")).to_contain_text(
        "« logo.svg » : Les images SVG ne sont pas acceptées"
    )
    expect(page.get_by_label("Titre (obligatoire)")).to_have_value("Nos statuts commentés")
    title = page.get_by_label("Intitulé de « statuts.pdf »")
    expect(title).to_have_value("statuts.pdf")

    title.fill("Les statuts, article par article")
    page.get_by_role("button", name="Prévisualiser").click()  # no file chosen again
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    expect(page.get_by_role("link", name="Les statuts, article par article")).to_be_visible()
    attachment = Attachment.objects.get()
    assert attachment.practice == Practice.objects.get()
    assert attachment.title == "Les statuts, article par article"
    page.context.close()


def test_the_pages_with_documents_pass_axe(browser, site, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    make_user(email="contributrice@exemple.coop", cooperative=make_cooperative())
    page = new_page(browser)
    console = watch_errors(page)
    sign_in(page, site, "contributrice@exemple.coop")
    page.goto(site.url + "/pratiques/soumettre/")
    page.get_by_label("Titre (obligatoire)").fill("Nos statuts commentés")
    page.get_by_label("Ajouter des fichiers").set_input_files(FILES)
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator("#id_documents_error")).to_contain_text(
        "« logo.svg » : Les images SVG ne sont pas acceptées"
    )
    found = {"formulaire en erreur": axe_violations(page)}
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()
    found["brouillon avec document"] = axe_violations(page)
    page.get_by_role("button", name="Prévisualiser").click()
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    found["aperçu"] = axe_violations(page)
    assert not any(found.values()), found
    assert console == []
    page.context.close()
