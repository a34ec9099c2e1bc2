# ruff: noqa: F811 (the browser fixtures are imported from the pages tests)
"""On a phone (390 px wide, in Debian's Chromium): no page wider than the screen, a header menu
that opens with JavaScript and is there without it, and filters that lead to the results.

Every page of the permission matrix is visited by each role that may see it, with tables filled
and titles holding a forty-letter word, the usual reason a page grows wider than a phone.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, ViewportSize, expect

from conftest import ROLES
from observatoire.community.models import CommentReport
from observatoire.community.tests.factories import make_comment
from observatoire.pages.tests.browser import make_corpus
from observatoire.pages.tests.test_browser import (  # noqa: F401 (fixtures)
    axe_violations,
    browser,
    restore_reference_data,
    sign_in,
    site,
    watch_errors,
)
from observatoire.pages.tests.test_permissions_matrix import (  # noqa: F401 (fixture)
    MATRIX,
    build_world,
    resolve,
    users,
)
from observatoire.practices.models import ModerationEvent, Practice, PracticeVersion

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = ViewportSize(width=390, height=844)
LONG_WORD = "Anticonstitutionnellementcoopérativement"  # forty letters, no place to break
SCREENSHOTS = Path("/tmp/observatoire-captures")
NOT_A_PAGE = ("redirect", 302, 405)  # answers with no page of their own to lay out


def phone_page(browser, *, javascript: bool = True) -> Page:
    context = browser.new_context(locale="fr-FR", java_script_enabled=javascript, viewport=PHONE)
    context.set_default_timeout(10_000)
    return context.new_page()


def sign_in_on_a_phone(page: Page, site, email: str) -> None:
    """The shared sign-in looks for « Mon compte » in the header: sign in wide, then narrow."""
    page.set_viewport_size(ViewportSize(width=1280, height=900))
    sign_in(page, site, email)
    page.set_viewport_size(PHONE)


def fill_the_tables(world: dict, users: dict) -> None:
    """Every table of the matrix's pages gets rows, and every title a word too long to wrap."""
    for practice in Practice.objects.all():
        Practice.objects.filter(pk=practice.pk).update(title=f"{practice.title} {LONG_WORD}")
    submitted = Practice.objects.get(pk=world["submitted"].pk)
    moderator = users["moderator"]
    known = PracticeVersion.objects.filter(practice=submitted).count()
    for number in range(1, 4):
        PracticeVersion.objects.create(
            practice=submitted,
            number=known + number,
            state=PracticeVersion.State.SAVED,
            snapshot={},
            author=users["member"],
            note=f"Version {LONG_WORD}",
        )
        ModerationEvent.objects.create(
            practice=submitted,
            practice_title=submitted.title,
            actor=moderator,
            action=ModerationEvent.Action.CHANGES_REQUESTED,
            message=f"Précisez le coût {number} {LONG_WORD}",
        )
    PracticeVersion.objects.filter(practice=world["published"]).update(note=LONG_WORD)
    comment = make_comment(world["published"], users["member"], body=f"Un avis {LONG_WORD}")
    CommentReport.objects.create(comment=comment, reporter=users["coop_admin"], reason=LONG_WORD)
    for role in ROLES[1:]:
        person = users[role]
        person.full_name = f"Marie-Dominique {LONG_WORD}"
        person.save(update_fields=["full_name"])


def overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_no_page_is_wider_than_a_phone(browser, site, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world(users)
    fill_the_tables(world, users)
    urls = {name: resolve(name, kwargs, world) for name, (kwargs, _) in MATRIX.items()}
    failures, seen = [], 0
    for role in ROLES:
        page = phone_page(browser)
        if users[role] is not None:
            sign_in_on_a_phone(page, site, users[role].email)
        for name, (_kwargs, expected) in MATRIX.items():
            if expected[role] in NOT_A_PAGE:
                continue
            try:
                response = page.goto(site.url + urls[name])
            except PlaywrightError as error:  # a document the browser downloads
                assert "Download is starting" in str(error), error
                continue
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue  # the Atom feed, a PDF, a JSON export
            seen += 1
            width = overflow(page)
            capture = SCREENSHOTS / f"phone-{role}-{name.replace(':', '-')}.png"
            if width > PHONE["width"] or os.environ.get("PHONE_CAPTURES"):  # to look at
                SCREENSHOTS.mkdir(exist_ok=True)
                page.screenshot(path=capture, full_page=True)
            if width > PHONE["width"]:
                failures.append(f"{role} {urls[name]} ({name}) : {width} px, voir {capture}")
        page.context.close()
    assert seen > 60  # the matrix was walked, not skipped
    assert failures == [], "Pages plus larges qu'un téléphone :\n" + "\n".join(failures)


def test_the_menu_button_opens_the_header_menu(browser, site):
    page = phone_page(browser)
    errors = watch_errors(page)
    page.goto(site.url + "/")
    button = page.get_by_role("button", name="Menu")
    about = page.locator(".main-nav").get_by_role("link", name="À propos")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(about).to_be_hidden()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(about).to_be_visible()
    assert overflow(page) <= PHONE["width"]
    assert axe_violations(page) == []  # contrast and names of the open menu
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(about).to_be_hidden()
    expect(button).to_be_focused()
    page.keyboard.press("Enter")  # the keyboard opens it too
    expect(about).to_be_visible()
    about.click()
    expect(page.locator("h1")).to_contain_text("propos")
    assert errors == []
    page.context.close()


def test_the_header_links_are_there_without_javascript(browser, site):
    page = phone_page(browser, javascript=False)
    page.goto(site.url + "/")
    expect(page.get_by_role("button", name="Menu")).to_have_count(0)
    nav = page.locator(".main-nav")
    for name in ("Pratiques", "Catégories", "Soumettre une pratique", "À propos", "Se connecter"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    nav.get_by_role("link", name="Catégories").click()
    page.wait_for_url("**/categories/**")
    assert overflow(page) <= PHONE["width"]
    page.context.close()


def wait_until_in_view(page: Page, selector: str) -> None:
    """htmx scrolls once the new list has settled: wait for the element's top to be on screen."""
    page.wait_for_function(
        """selector => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= -1 && box.bottom <= window.innerHeight;
        }""",
        arg=selector,
        timeout=5_000,
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "sans-js"])
def test_a_filter_leads_to_the_results(browser, site, javascript):
    make_corpus()
    page = phone_page(browser, javascript=javascript)
    page.goto(site.url + "/pratiques/")
    facets = page.get_by_text("Filtrer", exact=True)
    facets.click()  # the panel of filters, above the results
    link = page.locator(".facet-link", has_text="Scic")
    if javascript:
        assert axe_violations(page) == []  # the open panel of filters
    assert link.bounding_box()["y"] < page.locator(".card-list").bounding_box()["y"]
    link.click()
    page.wait_for_url("**/pratiques/?forme=scic*")
    expect(page.locator(".active-filters .chip-remove")).to_contain_text("Scic")
    wait_until_in_view(page, "#results-title")
    assert overflow(page) <= PHONE["width"]
    page.context.close()
