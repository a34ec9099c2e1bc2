"""« Mes données » for people: titles, labels, choices, dates and yes/no in the reader's language,
never a field's code name nor a stored code, whatever app the data comes from."""

import html
import re
from datetime import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from observatoire.accounts import personal_data
from observatoire.accounts.models import Invitation, Role
from observatoire.community.models import Adoption, Bookmark, Follow
from observatoire.community.tests.factories import make_comment
from observatoire.notifications.models import DigestPreference
from observatoire.notifications.notify import notify
from observatoire.practices.models import (
    Attachment,
    Category,
    ModerationEvent,
    Practice,
    PracticeVersion,
    StaffNote,
)
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db
WHEN = datetime(2024, 3, 5, 14, 30)


@pytest.fixture
def everything(member):
    """A member with something in every source of the export."""
    when = timezone.make_aware(WHEN)
    practice = make_practice(title="Nos cercles de décision", cooperatives=[member.cooperative])
    Practice.objects.filter(pk=practice.pk).update(author=member)
    PracticeVersion.objects.create(
        practice=practice, number=1, snapshot={}, author=member, created_at=when
    )
    StaffNote.objects.create(practice=practice, author=member, text="À relire", created_at=when)
    ModerationEvent.objects.create(
        practice=practice,
        practice_title=practice.title,
        actor=member,
        action=ModerationEvent.Action.TAKEN,
        created_at=when,
    )
    Attachment.objects.create(
        practice=practice, title="Le guide", file="guide.pdf", uploaded_by=member, size=12
    )
    make_comment(practice, member, body="Mon commentaire", created_at=when)
    Adoption.objects.create(practice=practice, cooperative=member.cooperative, declared_by=member)
    Bookmark.objects.create(user=member, practice=practice)
    Follow.objects.create(
        user=member, category=Category.objects.get(slug="organisation-collective")
    )
    notify(member, "Une notification", "/")
    DigestPreference.objects.create(user=member, frequency=DigestPreference.Frequency.WEEKLY)
    for email, invited_by in (("invitee@exemple.coop", member), (member.email, None)):
        Invitation.objects.create(
            email=email,
            role=Role.MEMBER,
            cooperative=member.cooperative,
            invited_by=invited_by,
            token_hash=email.ljust(64, "0")[:64],
            expires_at=when,
        )
    AccessAttempt.objects.create(
        username=member.email, user_agent="essai", http_accept="*/*", failures_since_start=2
    )
    return member


def data_sections(page) -> tuple[str, str]:
    """The part of the page that shows the data: as HTML, and as the text people read."""
    markup = page.content.decode()
    start = markup.index('<section class="data-section">')
    end = markup.index(reverse("accounts:account_delete"), start)
    part = re.sub(r"\s+</", "</", markup[start:end])  # the included template's line ends
    return part, html.unescape(re.sub(r"<[^>]+>", " ", part))


def keys_of(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from keys_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys_of(item)


def test_every_exported_key_has_a_label_for_people(everything):
    for source in personal_data.sources():
        exported = source.export(everything)
        assert exported, source.key
        assert set(keys_of(exported)) <= set(source.labels), source.key


def test_my_data_shows_no_code_name_nor_stored_code(client_as, everything):
    part, text = data_sections(client_as(everything).get(reverse("accounts:my_data")))
    assert "_" not in text  # practice__title, created_at, courriel_recapitulatif…
    codes = ("state", "url", "text", "saved", "weekly", "taken", "categorie", "True", "None")
    for code in codes:
        assert not re.search(rf"\b{code}\b", text), code


def test_my_data_is_in_french_with_labels_choices_and_dates(client_as, everything):
    page = client_as(everything).get(reverse("accounts:my_data"))
    part, text = data_sections(page)
    for title in ("Versions des pratiques", "Journal de modération", "Courriel récapitulatif"):
        assert f"<h2>{title}</h2>" in part, title
    assert "<h2>Notes de l&#x27;équipe</h2>" in part
    assert "<dt>adresse électronique</dt>" in part and "<dt>dernière connexion</dt>" in part
    assert "<dt>état</dt><dd>enregistrée</dd>" in part
    assert "<dt>numéro</dt><dd>1</dd>" in part
    assert "<dt>action</dt><dd>prise en charge</dd>" in part
    assert "<dt>fréquence du courriel récapitulatif</dt><dd>chaque semaine</dd>" in part
    assert "<dt>type</dt><dd>catégorie</dd>" in part
    assert "<dt>masqué</dt><dd>non</dd>" in part
    assert "<dt>date</dt><dd>5 mars 2024 14:30</dd>" in part


def test_my_data_is_in_english_for_an_english_reader(client_as, everything):
    client = client_as(everything)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("accounts:my_data"))
    assert 'lang="en"' in page.content.decode()
    part, text = data_sections(page)
    for title in ("Practice versions", "Moderation log", "Team notes", "Alerts", "Comments"):
        assert f"<h2>{title}</h2>" in part, title
    assert "<dt>email address</dt>" in part and "<dt>last login</dt>" in part
    assert "<dt>status</dt><dd>saved</dd>" in part
    assert "<dt>action taken</dt><dd>taken on</dd>" in part
    assert "<dt>email digest frequency</dt><dd>every week</dd>" in part
    assert "<dt>type</dt><dd>category</dd>" in part
    assert "<dt>hidden</dt><dd>no</dd>" in part
    assert "<dt>when</dt><dd>March 5, 2024, 2:30 p.m.</dd>" in part
    for french in ("adresse électronique", "enregistrée", "chaque semaine", "mars 2024"):
        assert french not in text, french
    for raw in ("__", "created_at", "weekly", "categorie"):
        assert raw not in text, raw


def test_the_download_keeps_its_stable_keys_and_codes_in_english(client_as, everything):
    client = client_as(everything)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = client.get(reverse("accounts:my_data_download")).json()
    assert data["courriel_recapitulatif"]["fréquence"] == "weekly"
    assert data["versions_de_pratiques"][0]["state"] == "saved"
    assert data["compte"]["adresse électronique"] == everything.email
