"""The main pages pass the Nu HTML checker (the W3C's validator, ``vnu-jar`` from npm, pinned).

html-validate (``test_html_valid``) checks our rules; the Nu checker is the reference for what
HTML is: it reads attribute values the way the specification defines them (a ``datetime``, a
data URI, a ``data-*`` name), which is where pages went wrong before. Its errors are failures;
its warnings are advice and stay out of the test.

The checker is a Java program: CI installs Debian's runtime (``.ci/run``) and must run this test;
elsewhere, a machine without Java or without ``npm ci`` skips it and says why. Every page is
checked in one run of the checker, because starting Java is the slow part.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from observatoire.community.models import Adoption, Bookmark, Follow
from observatoire.community.tests.factories import make_comment
from observatoire.pages.tests.browser import make_corpus
from observatoire.practices.models import Category, Practice
from observatoire.practices.tests.test_attachments import attach, image_bytes

pytestmark = pytest.mark.django_db
VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def checker_command() -> list[str]:
    """The command that runs the checker, or a skip (a failure in CI) saying what is missing."""
    java = shutil.which("java")
    missing = []
    if java is None:
        missing.append("Java (paquet Debian default-jre-headless)")
    if not VNU_JAR.exists():
        missing.append(f"{VNU_JAR.relative_to(settings.BASE_DIR)} (lancez « npm ci »)")
    if missing:
        reason = "Vérificateur Nu indisponible, il manque : " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return [str(java), "-jar", str(VNU_JAR), "--format", "json", "--errors-only"]


def nu_errors(command: list[str], pages: dict[str, str], directory: Path) -> list[str]:
    """The checker's errors on every page, one readable entry each naming the page."""
    names = {}
    for number, (name, html) in enumerate(pages.items()):
        path = directory / f"page-{number}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = name
    result = subprocess.run(
        [*command, *(str(directory / file) for file in names)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        # The checker writes its JSON report to standard error.
        messages = json.loads(result.stderr)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"Le vérificateur Nu n'a pas rendu de rapport : {result.stderr[-2000:]}")
    return [
        f"{names.get(message.get('url', '').rsplit('/', 1)[-1], message.get('url'))}, "
        f"ligne {message.get('lastLine', '?')}, colonne {message.get('firstColumn', '?')} : "
        f"{message['message']}\n      {message.get('extract', '').strip()[:200]}"
        for message in messages
        if message["type"] != "info"
    ]


def make_rich_practice(member, coop_admin, moderator) -> Practice:
    """A practice that shows everything: documents, an image, links, comments, adoptions."""
    practice = make_corpus()
    practice.cooperatives.add(member.cooperative)
    attach(practice, name="Le guide.pdf")
    attach(practice, name="Notre équipe.png", content=image_bytes("PNG"), content_type="image/png")
    question = make_comment(practice, member, body="Une question\nsur deux lignes ?")
    make_comment(
        practice, coop_admin, body="Une réponse avec un lien https://exemple.coop", parent=question
    )
    hidden = make_comment(practice, coop_admin, body="Un message hors sujet")
    hidden.hide(by=moderator, reason="Hors sujet")
    Adoption.objects.create(practice=practice, cooperative=member.cooperative, feedback="Bien")
    Bookmark.objects.create(user=member, practice=practice)
    Follow.objects.create(user=member, practice=practice)
    return practice


def fill_queue(client, member, moderator) -> None:
    """A non-empty moderation queue, filled as people do: two submissions, one taken."""
    client.force_login(member)
    for title in ["Un conseil des jeunes associés", "Une revue des mandats"]:
        response = client.post(
            reverse("practices:submit"),
            {
                "title": title,
                "summary": "Ce que notre coopérative a changé.",
                "category": Category.objects.get(slug="un-vecu").pk,
                "actions": "Nous avons essayé.",
                "visibility": "public",
                "action": "soumettre",
            },
        )
        assert response.status_code == 302, title
    client.force_login(moderator)
    taken = Practice.objects.get(title="Une revue des mandats")
    response = client.post(
        reverse("moderation:take", args=[taken.pk]), {"version": taken.review_version}
    )
    assert response.status_code == 302
    client.logout()


def test_main_pages_pass_the_nu_checker(client, member, coop_admin, moderator, settings, tmp_path):
    command = checker_command()  # first: a machine without the checker skips at once
    settings.MEDIA_ROOT = tmp_path / "media"
    practice = make_rich_practice(member, coop_admin, moderator)
    fill_queue(client, member, moderator)
    search = reverse("practices:list") + "?q=gouvernance+cercles"

    pages = {
        "accueil": client.get(reverse("pages:home")),
        "liste": client.get(reverse("practices:list")),
        "recherche": client.get(search),
        "pratique (visiteur)": client.get(practice.get_absolute_url()),
    }
    client.force_login(member)
    pages |= {
        "accueil (membre)": client.get(reverse("pages:home")),
        "pratique (membre)": client.get(practice.get_absolute_url()),
        "soumettre": client.get(reverse("practices:submit")),
        "soumettre en erreur": client.post(
            reverse("practices:submit"),
            {"title": "", "links_text": "pas une adresse", "action": "soumettre"},
        ),
    }
    client.force_login(moderator)
    pages |= {
        "pratique (modération)": client.get(practice.get_absolute_url()),
        "file de modération": client.get(reverse("moderation:queue")),
    }

    assert {name: response.status_code for name, response in pages.items()} == dict.fromkeys(
        pages, 200
    )
    html = {name: response.content.decode() for name, response in pages.items()}
    # The pages hold what is checked: highlights, documents, comments, errors, a queue.
    assert "<mark>" in html["recherche"]
    assert (
        "Le guide.pdf" in html["pratique (membre)"]
        and "Notre équipe.png" in html["pratique (membre)"]
    )
    assert "<time datetime=" in html["pratique (membre)"]
    assert "Un message hors sujet" in html["pratique (modération)"]
    assert 'class="field-error"' in html["soumettre en erreur"]
    assert "Un conseil des jeunes associés" in html["file de modération"]
    assert "Une revue des mandats" in html["file de modération"]
    assert moderator.full_name in html["file de modération"]

    checks = tmp_path / "pages"
    checks.mkdir()
    errors = nu_errors(command, html, checks)
    assert not errors, f"{len(errors)} erreur(s) du vérificateur Nu :\n" + "\n".join(errors)
