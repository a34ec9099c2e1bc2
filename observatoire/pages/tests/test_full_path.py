# ruff: noqa: F811 (the browser fixtures are imported from the pages tests)
"""The whole life of a practice, in a real browser: a member submits it with a document, a
moderator of her Union régionale asks for changes, she revises and resubmits from the link in
the email, the moderator publishes, and the practice shows in the list, in search and in the
daily digest of someone who follows its category.

Emails go through the database task queue; the test runs the worker as `make run` does.
"""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from observatoire.accounts.models import Role
from observatoire.accounts.tests.factories import make_user
from observatoire.community.models import Follow
from observatoire.network.tests.factories import make_cooperative
from observatoire.notifications.models import DigestPreference
from observatoire.pages.tests.test_browser import (  # noqa: F401 (fixtures)
    axe_violations,
    browser,
    new_page,
    restore_reference_data,
    sign_in,
    site,
    watch_errors,
)
from observatoire.practices.models import Category, Practice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Un café des associés chaque lundi matin"
LINK = re.compile(r"https?://\S+")


def emails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def link_in(message, site, after: str = "") -> str:
    """The first link of an email (after some text), opened on the live server of the test."""
    text = message.body.split(after, 1)[1] if after else message.body
    url = next(link for link in LINK.findall(text) if "/desabonnement/" not in link)
    return re.sub(r"^https?://[^/]+", site.url, url.rstrip(".,)"))


def test_submit_moderate_revise_publish_then_find_it_everywhere(browser, site, run_tasks, tmp_path):
    cooperative = make_cooperative(name="Scop du Tisserand")
    make_user(email="autrice@exemple.coop", full_name="Awa Diallo", cooperative=cooperative)
    make_user(
        email="moderatrice@exemple.coop",
        full_name="Maud Leroy",
        role=Role.MODERATOR,
        organisation=cooperative.union,
    )
    reader = make_user(email="lectrice@exemple.coop", cooperative=make_cooperative())
    category = Category.objects.get(slug="un-vecu")
    Follow.objects.create(user=reader, category=category)
    DigestPreference.objects.update_or_create(
        user=reader, defaults={"frequency": DigestPreference.Frequency.DAILY}
    )
    document = tmp_path / "compte-rendu.pdf"
    document.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    # 1. The author submits, with a document, without JavaScript.
    author = new_page(browser, javascript=False)
    sign_in(author, site, "autrice@exemple.coop")
    author.goto(site.url + "/pratiques/soumettre/")
    author.get_by_label("Titre (obligatoire)").fill(TITLE)
    author.get_by_label("En bref").fill("Trente minutes pour parler de tout, sauf du travail.")
    author.get_by_label("Catégorie").select_option(label="Un vécu")
    author.get_by_label("Ce qui a été fait").fill("Un café ouvert à tous, chaque lundi à 9 h.")
    author.get_by_label("Ajouter des fichiers").set_input_files(str(document))
    author.get_by_role("button", name="Soumettre à la relecture").click()
    expect(author.get_by_role("heading", name="Mes contributions")).to_be_visible()
    expect(author.get_by_role("rowheader", name=TITLE)).to_be_visible()
    practice = Practice.objects.get(title=TITLE)
    assert practice.status == Practice.Status.SUBMITTED
    assert practice.attachments.get().content_type == "application/pdf"

    # 2. The moderator of the Union régionale takes it and asks for changes.
    moderator = new_page(browser)
    errors = watch_errors(moderator)
    sign_in(moderator, site, "moderatrice@exemple.coop")
    moderator.goto(site.url + "/moderation/")
    moderator.get_by_role("link", name=TITLE).first.click()
    moderator.get_by_role("button", name="Prendre en charge").click()
    assert axe_violations(moderator) == []
    moderator.get_by_label("Les modifications demandées (obligatoire)").fill(
        "Pouvez-vous dire combien de personnes viennent au café ?"
    )
    moderator.get_by_role("button", name="Demander des modifications").click()
    practice.refresh_from_db()
    assert practice.status == Practice.Status.CHANGES_REQUESTED

    # 3. The email reaches the author; its link opens the form with the moderator's message.
    run_tasks()
    (asked,) = emails_to("autrice@exemple.coop")
    assert "combien de personnes" in asked.body
    author.goto(link_in(asked, site))
    expect(author.get_by_text("combien de personnes viennent au café")).to_be_visible()
    author.get_by_label("Résultats et impact").fill("Une quinzaine d'associés chaque semaine.")
    author.get_by_role("button", name="Soumettre à la relecture").click()
    expect(author.get_by_role("heading", name="Mes contributions")).to_be_visible()
    practice.refresh_from_db()
    # Given back to the moderator who asked for the changes.
    assert practice.status == Practice.Status.IN_REVIEW
    assert practice.reviewer.email == "moderatrice@exemple.coop"

    # 4. The moderator publishes.
    moderator.goto(site.url + "/moderation/")
    moderator.get_by_role("link", name=TITLE).first.click()
    take = moderator.get_by_role("button", name="Prendre en charge")
    publish = moderator.get_by_role("button", name="Publier", exact=True)
    # count() does not wait: let the review page load before asking whether it must be taken.
    expect(take.or_(publish).first).to_be_visible()
    if take.count():
        take.click()
    publish.click()
    practice.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED and practice.published_at
    assert errors == []

    # 5. Everyone finds it: in the list, in search, and its document opens.
    visitor = new_page(browser, javascript=False)
    visitor.goto(site.url + "/pratiques/")
    expect(visitor.get_by_role("link", name=TITLE)).to_be_visible()
    visitor.goto(site.url + "/pratiques/?q=cafe+associes")
    expect(visitor.get_by_role("link", name=TITLE)).to_be_visible()
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_text("Une quinzaine d'associés chaque semaine.")).to_be_visible()
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name=re.compile("compte-rendu")).first.click()
    assert download.value.suggested_filename.endswith(".pdf")

    # 6. The daily digest of the person following « Un vécu » brings it, with working links.
    run_tasks()
    call_command("senddigests", "--frequency", "daily")
    run_tasks()
    (digest,) = emails_to("lectrice@exemple.coop")
    assert TITLE in digest.body and digest.extra_headers.get("List-Unsubscribe")
    visitor.goto(link_in(digest, site, after=TITLE))
    expect(visitor.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    published = emails_to("autrice@exemple.coop")[-1]
    assert TITLE in published.body
    for page in (author, moderator, visitor):
        page.context.close()
