"""The paths a person really takes, in Debian's Chromium driven by Playwright.

Checked here: no serious accessibility violation on the main pages (axe-core, WCAG 2.0 and 2.1,
levels A and AA), the whole search-filter-read-sign-in path without JavaScript, htmx's partial
update of the list with JavaScript and without console error or CSP violation, and no request
to any host but ours.

These tests are transactional (the live server runs in another thread): pytest-django empties
the database after each, so each loads the reference data itself, and the module puts it back
when it is done for the tests that follow.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page, expect, sync_playwright

from observatoire.accounts.tests.factories import make_user
from observatoire.network.models import Cooperative
from observatoire.network.tests.factories import make_cooperative
from observatoire.pages.tests.browser import PASSWORD, make_corpus
from observatoire.practices.models import Category, Practice
from observatoire.practices.tests.factories import make_practice

# Playwright's sync API runs an event loop in this thread; Django would then refuse the test's
# own database calls, which are synchronous and safe here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SOURCE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = Path("/tmp/observatoire-captures")
REFERENCE_FIXTURES = ("network", "taxonomy")


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium manque ({CHROMIUM}) : apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module", autouse=True)
def restore_reference_data(django_db_blocker):
    """The flush after the last test here removed the network and taxonomy: put them back."""
    yield
    with django_db_blocker.unblock():
        call_command("loaddata", *REFERENCE_FIXTURES, verbosity=0)


@pytest.fixture
def site(live_server):
    """The live server with reference data, as after a deployment."""
    call_command("loaddata", *REFERENCE_FIXTURES, verbosity=0)
    return live_server


def new_page(browser, *, javascript: bool = True) -> Page:
    # French first: the browser asks for French, as most of the people we serve do.
    context = browser.new_context(
        locale="fr-FR", java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def watch_errors(page: Page) -> list[str]:
    """Console errors (CSP violations among them) and uncaught exceptions, as they happen."""
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error":
            errors.append(f"console : {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"exception : {error}"))
    return errors


def axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations of WCAG 2.x A and AA, one line each."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern, so that
    # the page is checked under its real policy.
    page.evaluate(AXE_SOURCE.read_text())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{violation['id']} ({violation['impact']}) : {violation['help']} → "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:8])
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def scic_count() -> int:
    return Practice.objects.filter(cooperatives__family=Cooperative.Family.SCIC).distinct().count()


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_main_pages_have_no_serious_accessibility_violation(browser, site):
    featured = make_corpus()
    category = Category.objects.get(slug="un-vecu")
    pages = {
        "accueil": "/",
        "liste": "/pratiques/?theme=gouvernance",
        "recherche": "/pratiques/?q=gouvernance",
        "pratique": featured.get_absolute_url(),
        "catégorie": category.get_absolute_url(),
        "connexion": "/connexion/",
    }
    page = new_page(browser)
    errors = watch_errors(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    found = {}
    for name, path in pages.items():
        response = page.goto(site.url + path)
        assert response is not None and response.status == 200, name
        if name in ("accueil", "liste", "pratique"):  # for a person to look at, not committed
            page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
        if violations := axe_violations(page):
            found[name] = violations
    report = "\n".join(
        f"{name} ({pages[name]}) :\n  " + "\n  ".join(violations)
        for name, violations in found.items()
    )
    assert not found, f"Violations d'accessibilité graves :\n{report}"
    assert errors == []
    page.context.close()


def test_search_filter_read_and_sign_in_without_javascript(browser, site):
    make_corpus()
    make_user(email="membre@exemple.coop")
    reserved = make_practice(
        title="Le conseil coopératif des membres", visibility=Practice.Visibility.MEMBERS
    )
    page = new_page(browser, javascript=False)

    page.goto(site.url + "/")
    page.get_by_role("searchbox", name="Rechercher une pratique").fill("gouvernance")
    page.keyboard.press("Enter")
    page.wait_for_url("**/pratiques/?q=gouvernance")
    expect(page.locator("h1")).to_have_text("Résultats de recherche")
    expect(page.locator("#results-title")).to_contain_text("pratiques")

    page.locator(".facet-link", has_text="Scic").click()
    assert query(page)["forme"] == ["scic"]
    chip = page.locator(".active-filters .chip-remove")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text("Scic")
    cards = page.locator(".practice-card")
    expect(cards).to_have_count(scic_count())
    for card in cards.all():
        expect(card.locator(".card-meta")).to_contain_text("Scic")

    chip.click()
    assert "forme" not in query(page) and query(page)["q"] == ["gouvernance"]
    expect(page.locator(".active-filters")).to_have_count(0)

    page.get_by_role("link", name="Page suivante").click()
    assert query(page)["page"] == ["2"]
    expect(page.locator(".pagination [aria-current=page]")).to_have_text("Page 2 sur 2")

    card_title = page.locator(".practice-card .card-title a").first
    title = card_title.inner_text()
    card_title.click()
    expect(page.locator("h1")).to_have_text(title)

    assert page.goto(site.url + reserved.get_absolute_url()).status == 403
    expect(page.locator("h1")).to_have_text("Pratique réservée aux membres")
    page.go_back()
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse électronique").fill("membre@exemple.coop")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(page.locator("h1")).to_have_text(title)  # back where the person was

    response = page.goto(site.url + reserved.get_absolute_url())
    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_have_text("Le conseil coopératif des membres")
    page.context.close()


def test_facet_updates_the_list_in_place_with_javascript(browser, site):
    make_corpus()
    page = new_page(browser)
    errors = watch_errors(page)
    page.goto(site.url + "/pratiques/")
    total = Practice.objects.count()
    expect(page.locator("#results-title")).to_contain_text(f"{total} pratiques")
    page.evaluate("window.samePage = true")  # gone if the click loads a whole new page

    page.locator(".facet-link", has_text="Scic").click()
    page.wait_for_url("**/pratiques/?forme=scic")
    expect(page.locator("#results-title")).to_contain_text(f"{scic_count()} pratiques")
    expect(page.locator(".active-filters .chip-remove")).to_contain_text("Scic")
    assert page.evaluate("window.samePage") is True

    page.go_back()  # htmx restores the unfiltered list from its history
    page.wait_for_url("**/pratiques/")
    expect(page.locator("#results-title")).to_contain_text(f"{total} pratiques")
    assert errors == []
    page.context.close()


def test_every_request_goes_to_our_own_host(browser, site):
    featured = make_corpus()
    page = new_page(browser)
    requests: list[str] = []
    failures: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("requestfailed", lambda request: failures.append(request.url))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and failures.append(f"{response.status} {response.url}")
        ),
    )
    for path in ("/", "/pratiques/", featured.get_absolute_url()):
        page.goto(site.url + path)
        page.wait_for_load_state("networkidle")
    ours = urlsplit(site.url).netloc
    elsewhere = [
        url for url in requests if not url.startswith("data:") and urlsplit(url).netloc != ours
    ]
    assert elsewhere == []
    assert failures == []
    assert any(url.endswith(".css") for url in requests)
    assert any(url.endswith("htmx.min.js") for url in requests)
    page.context.close()


def sign_in(page: Page, site, email: str) -> None:
    """Sign in with the password form, and wait until the header shows the person's account."""
    page.goto(site.url + "/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("link", name="Mon compte")).to_be_visible()


def test_submit_a_practice_without_javascript(browser, site):
    """A member signs in, is told what is missing without losing anything, then submits."""
    cooperative = make_cooperative(name="Scop du Tisserand")
    make_user(email="contributrice@exemple.coop", cooperative=cooperative)
    page = new_page(browser, javascript=False)
    page.goto(site.url + "/")
    page.get_by_role("link", name="Soumettre une pratique").click()
    page.get_by_label("Adresse électronique").fill("contributrice@exemple.coop")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Soumettre une nouvelle pratique")).to_be_visible()

    page.get_by_label("Titre (obligatoire)").fill("Un café des associés chaque lundi")
    page.get_by_label("Ce qui a été fait").fill("Un café de trente minutes, ouvert à tous.")
    page.get_by_role("button", name="Soumettre à la relecture").click()
    expect(page.get_by_text("Le formulaire contient des erreurs")).to_be_visible()
    expect(page.get_by_label("Titre (obligatoire)")).to_have_value(
        "Un café des associés chaque lundi"
    )

    page.get_by_label("En bref").fill("Chaque lundi, les associés prennent un café ensemble.")
    page.get_by_label("Catégorie").select_option(label="Un vécu")
    page.get_by_role("button", name="Soumettre à la relecture").click()
    expect(page.get_by_role("heading", name="Mes contributions")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Un café des associés chaque lundi")).to_be_visible()
    page.context.close()


def test_contribution_pages_have_no_serious_accessibility_violation(browser, site):
    make_user(email="contributrice@exemple.coop", cooperative=make_cooperative())
    page = new_page(browser)
    errors = watch_errors(page)
    sign_in(page, site, "contributrice@exemple.coop")
    found = {}
    page.goto(site.url + "/pratiques/soumettre/")
    found["formulaire"] = axe_violations(page)
    page.get_by_role("button", name="Soumettre à la relecture").click()
    expect(page.get_by_text("Le formulaire contient des erreurs")).to_be_visible()
    found["formulaire en erreur"] = axe_violations(page)
    page.goto(site.url + "/pratiques/mes-contributions/")
    found["mes contributions"] = axe_violations(page)
    assert not any(found.values()), found
    assert errors == []
    page.context.close()
