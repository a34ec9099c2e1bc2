"""A submission sent back with a request for changes, then resubmitted (issue 8, point 18): it
goes back to whoever asked for the changes, who sees what changed since; decisions are entries
of the journal, never versions of the practice."""

import re
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from observatoire.accounts.models import Role
from observatoire.accounts.tests.factories import make_user
from observatoire.network.tests.factories import union
from observatoire.notifications.models import Notification
from observatoire.practices import moderation
from observatoire.practices.models import ModerationEvent, Practice
from observatoire.practices.tests.factories import make_practice
from observatoire.practices.tests.test_moderation import decide, in_review, revise, submitted

pytestmark = pytest.mark.django_db
SINCE = "Modifications depuis la demande de changements"


def resubmit(client, practice, **changes):
    """The author corrects a practice sent back to them and submits it again."""
    data = {
        "title": practice.title,
        "summary": practice.summary,
        "category": practice.category_id,
        "actions": practice.actions,
        "visibility": "public",
        "action": "soumettre",
    }
    data.update(changes)
    return client.post(reverse("practices:edit", args=[practice.slug]), data)


def page_of(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def other_moderator(cooperative):
    """A second moderator of the same queue, who hears of every new submission."""
    return make_user(role=Role.MODERATOR, organisation=cooperative.union)


@pytest.fixture
def sent_back(client_as, member, moderator, cooperative, other_moderator, run_tasks):
    """A first submission that ``moderator`` took and sent back with a request for changes;
    the emails and notifications of that decision already sent."""
    practice = submitted(
        member, cooperatives=[cooperative], title="Une cantine partagée", actions="Nous cuisinons."
    )
    in_review(practice, moderator)
    decide(client_as(moderator), practice, "modifier", "Dites combien vous êtes.")
    practice.refresh_from_db()
    assert practice.status == Practice.Status.CHANGES_REQUESTED
    run_tasks()
    mail.outbox.clear()
    Notification.objects.all().delete()
    return practice


# Given back to whoever asked for the changes.


def test_a_resubmission_goes_back_to_who_asked_for_changes(
    client_as, member, moderator, other_moderator, sent_back, run_tasks
):
    assert resubmit(client_as(member), sent_back, actions="Nous cuisinons à douze.").status_code
    sent_back.refresh_from_db()
    assert sent_back.status == Practice.Status.IN_REVIEW and sent_back.reviewer == moderator
    review = reverse("moderation:review", args=[sent_back.pk])
    run_tasks()
    assert [message.to for message in mail.outbox] == [[moderator.email]]
    assert "Une cantine partagée" in mail.outbox[0].subject
    assert review in mail.outbox[0].body
    news = Notification.objects.get(recipient=moderator)
    assert news.url == review and "Une cantine partagée" in news.text
    assert not Notification.objects.filter(recipient=other_moderator).exists()
    # The journal says to whom it went; the moderator decides without taking it again.
    assert ModerationEvent.objects.filter(
        practice=sent_back, action="assigned", actor=moderator
    ).exists()
    page = page_of(client_as(moderator).get(review))
    assert 'name="publier-version"' in page and moderator.full_name in page
    assert decide(client_as(moderator), sent_back, "publier").status_code == 302
    sent_back.refresh_from_db()
    assert sent_back.status == Practice.Status.PUBLISHED


def test_a_resubmitted_revision_goes_back_too(client_as, member, moderator, cooperative, run_tasks):
    live = make_practice(author=member, cooperatives=[cooperative], actions="En ligne.")
    revise(client_as(member), live, actions="Premier essai de modification.")
    live.refresh_from_db()
    in_review(live, moderator)
    decide(client_as(moderator), live, "modifier", "Ajoutez un exemple.")
    run_tasks()
    mail.outbox.clear()
    revise(client_as(member), live, actions="Second essai, avec un exemple.")
    live.refresh_from_db()
    assert live.status == Practice.Status.PUBLISHED and live.actions == "En ligne."
    assert live.revision_status == Practice.Status.IN_REVIEW and live.reviewer == moderator
    run_tasks()
    assert [message.to for message in mail.outbox] == [[moderator.email]]
    page = page_of(client_as(moderator).get(reverse("moderation:review", args=[live.pk])))
    assert SINCE in page
    assert "<del>Premier essai de modification.</del>" in page
    assert "<ins>Second essai, avec un exemple.</ins>" in page


@pytest.mark.parametrize("change", ["left", "moved", "no_longer_moderates"])
def test_to_the_queue_when_who_asked_may_no_longer_review_it(
    client_as, member, moderator, other_moderator, sent_back, run_tasks, change
):
    if change == "left":
        moderator.is_active = False
    elif change == "moved":
        moderator.organisation = union("ur-bretagne")
    else:
        moderator.role = Role.MEMBER
    moderator.save()
    resubmit(client_as(member), sent_back, actions="Nous cuisinons à douze.")
    sent_back.refresh_from_db()
    assert sent_back.status == Practice.Status.SUBMITTED and sent_back.reviewer is None
    assert not ModerationEvent.objects.filter(action="assigned").exists()
    run_tasks()
    assert [message.to for message in mail.outbox] == [[other_moderator.email]]


def test_four_eyes_who_asked_does_not_get_back_their_own_proposal(
    client_as, member, moderator, cooperative
):
    """The moderator who sent a revision back then proposes to restore an older version
    instead: that proposal is theirs, so it goes to the queue, for another pair of eyes."""
    live = make_practice(author=member, cooperatives=[cooperative], actions="En ligne.")
    moderation.record_version(live, by=member, note="Départ")
    live.actions = "Corrigé."
    live.save()
    moderation.record_version(live, by=member, note="Correction")
    revise(client_as(member), live, actions="Une modification.")
    live.refresh_from_db()
    in_review(live, moderator)
    decide(client_as(moderator), live, "modifier", "Pas comme ça.")
    client_as(moderator).post(reverse("moderation:restore", args=[live.pk, 1]))
    live.refresh_from_db()
    assert live.revision.author == moderator and live.revision.snapshot["actions"] == "En ligne."
    assert live.revision_status == Practice.Status.SUBMITTED and live.reviewer is None


# What changed since the request.


def test_the_review_shows_what_changed_since_the_request(client_as, member, moderator, sent_back):
    from observatoire.pages.tests.test_html_valid import assert_valid

    resubmit(client_as(member), sent_back, actions="Nous cuisinons à douze.")
    response = client_as(moderator).get(reverse("moderation:review", args=[sent_back.pk]))
    page = page_of(response)
    assert SINCE in page
    since = page.split(SINCE, 1)[1]
    assert "Dites combien vous êtes." in since  # what was asked, then what changed
    assert "<del>cuisinons.</del><ins>cuisinons à douze.</ins>" in since
    assert_valid({"relecture après une demande de modifications": response})
    # A first submission has nothing to compare with.
    fresh = submitted(member, cooperatives=list(sent_back.cooperatives.all()))
    page = page_of(client_as(moderator).get(reverse("moderation:review", args=[fresh.pk])))
    assert SINCE not in page


# Decisions are entries of the journal, not versions.


def test_decisions_add_no_version(client_as, member, moderator, sent_back):
    assert list(sent_back.versions.values_list("author", flat=True)) == [member.pk]
    resubmit(client_as(member), sent_back, actions="Nous cuisinons à douze.")
    sent_back.refresh_from_db()
    decide(client_as(moderator), sent_back, "publier", "Merci.")
    sent_back.refresh_from_db()
    assert sent_back.status == Practice.Status.PUBLISHED
    versions = sent_back.versions.order_by("number")
    assert [(v.author, v.snapshot["actions"]) for v in versions] == [
        (member, "Nous cuisinons."),
        (member, "Nous cuisinons à douze."),
    ]
    assert versions.last().state == "published"
    # The journal keeps every step, each naming the version it was taken on.
    events = {e.action: e for e in ModerationEvent.objects.filter(practice=sent_back)}
    assert {"taken", "changes_requested", "submitted", "assigned", "published"} <= set(events)
    assert events["changes_requested"].actor == moderator
    assert events["changes_requested"].version == versions.first()
    assert events["published"].version == versions.last()
    history = client_as(member).get(reverse("practices:history", args=[sent_back.slug]))
    assert moderator.full_name not in history.content.decode()


def test_publishing_a_revision_adds_no_version_of_the_moderator(
    client_as, member, moderator, cooperative
):
    live = make_practice(author=member, cooperatives=[cooperative], actions="En ligne.")
    moderation.record_version(live, by=member, note="Départ")
    revise(client_as(member), live, actions="Révisé.")
    live.refresh_from_db()
    in_review(live, moderator)
    decide(client_as(moderator), live, "publier")
    live.refresh_from_db()
    assert live.actions == "Révisé."
    assert [(v.author, v.state) for v in live.versions.order_by("number")] == [
        (member, "saved"),
        (member, "published"),
    ]


def test_the_history_leaves_out_versions_that_change_nothing(
    client_as, member, moderator, cooperative
):
    """Rows written before decisions stopped adding versions: a copy of the content, credited
    to the moderator."""
    practice = submitted(member, cooperatives=[cooperative], actions="Premier texte.")
    moderation.record_version(practice, by=moderator, note="Ancienne décision sans changement")
    practice.actions = "Second texte."
    practice.save()
    moderation.record_version(practice, by=member, note="Corrigée par l'autrice")
    moderation.record_version(practice, by=moderator, note="Ancienne publication")
    assert practice.versions.count() == 4
    history = reverse("practices:history", args=[practice.slug])
    html = client_as(member).get(history).content.decode()
    assert re.findall(r'<th scope="row">(\d+)</th>', html) == ["3", "1"]
    assert "Ancienne" not in html and moderator.full_name not in html
    assert "Corrigée par l" in html
    # The current content (version 3, copied as 4) offers no restoration; version 1 does.
    html = client_as(moderator).get(history).content.decode()
    assert reverse("moderation:restore", args=[practice.pk, 1]) in html
    assert reverse("moderation:restore", args=[practice.pk, 3]) not in html
    assert reverse("moderation:restore", args=[practice.pk, 4]) not in html
