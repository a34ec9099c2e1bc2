"""Restoring an older version (issue 8, point 3): never a way around the four-eyes rule.

A published practice's restoration is proposed for review, as an author's edit, and whoever
proposed it may not accept it; the difference is shown before anything changes; the author is
told; the current version offers no restoration."""

import pytest
from django.core import mail
from django.urls import reverse

from observatoire.accounts.models import Role
from observatoire.accounts.tests.factories import make_user
from observatoire.notifications.models import Notification
from observatoire.practices.models import Practice
from observatoire.practices.tests.factories import draft_saved_twice
from observatoire.practices.tests.test_moderation import decide, in_review

pytestmark = pytest.mark.django_db


def published_in_two_versions(author, cooperative, other_moderator):
    """v1 « Texte d'origine », then v2 « Texte relu », published by ``other_moderator``."""
    practice = draft_saved_twice(
        author,
        cooperative,
        title="Pratique restaurée",
        first="Texte d'origine",
        second="Texte relu",
    )
    practice.submit(by=author)
    in_review(practice, other_moderator).publish(by=other_moderator)
    practice.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED and practice.summary == "Texte relu"
    return practice


def live_summary(practice) -> str:
    return Practice.objects.get(pk=practice.pk).summary


def test_an_author_on_staff_cannot_put_back_unreviewed_text(client_as, cooperative):
    """The attack as found: a permanent's own practice, published by another, then restored."""
    permanent = make_user(role=Role.PERMANENT, organisation=cooperative.union)
    other = make_user(role=Role.MODERATOR, organisation=cooperative.union)
    practice = published_in_two_versions(permanent, cooperative, other)
    client = client_as(permanent)
    restore = reverse("moderation:restore", args=[practice.pk, 1])
    page = client.get(restore)
    assert page.status_code == 200
    html = page.content.decode()
    assert "origine" in html  # the difference shown
    assert "relecture" in html
    assert live_summary(practice) == "Texte relu"  # a GET changes nothing
    response = client.post(restore)
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.summary == "Texte relu"  # still what a second person approved
    assert practice.revision_status == Practice.Status.SUBMITTED
    assert practice.revision.snapshot["summary"] == "Texte d'origine"
    # Their own: they can neither take it nor publish it.
    take = reverse("moderation:take", args=[practice.pk])
    client.post(take, {"version": practice.review_version})
    practice.refresh_from_db()
    assert practice.revision_status == Practice.Status.SUBMITTED
    # Another moderator accepts it: only then is it online.
    in_review(practice, other)
    decide(client_as(other), practice, "publier")
    assert live_summary(practice) == "Texte d'origine"


def test_a_moderator_who_proposes_a_restoration_does_not_accept_it(client_as, member, cooperative):
    first = make_user(role=Role.MODERATOR, organisation=cooperative.union)
    second = make_user(role=Role.MODERATOR, organisation=cooperative.union)
    practice = published_in_two_versions(member, cooperative, second)
    client_as(first).post(reverse("moderation:restore", args=[practice.pk, 1]))
    practice.refresh_from_db()
    assert practice.revision_status == Practice.Status.SUBMITTED
    with pytest.raises(Exception) as refused:
        practice.take(by=first)
    assert type(refused.value).__name__ == "OwnContribution"
    practice.take(by=second)  # another pair of eyes may
    practice.refresh_from_db()
    assert practice.revision_status == Practice.Status.IN_REVIEW


def test_the_author_is_told(client_as, member, cooperative, run_tasks):
    moderator = make_user(role=Role.MODERATOR, organisation=cooperative.union)
    other = make_user(role=Role.MODERATOR, organisation=cooperative.union)
    practice = published_in_two_versions(member, cooperative, other)
    run_tasks()  # the emails of the publication
    mail.outbox.clear()
    Notification.objects.all().delete()
    client_as(moderator).post(reverse("moderation:restore", args=[practice.pk, 1]))
    run_tasks()
    to_author = [message for message in mail.outbox if member.email in message.to]
    assert len(to_author) == 1
    assert "version 1" in to_author[0].body
    assert Notification.objects.filter(recipient=member).count() == 1


def test_the_current_version_offers_no_restoration(client_as, member, cooperative):
    moderator = make_user(role=Role.MODERATOR, organisation=cooperative.union)
    practice = published_in_two_versions(member, cooperative, moderator)
    current = practice.versions.filter(state__in=["saved", "published"]).order_by("-number")[0]
    client = client_as(moderator)
    history = client.get(reverse("practices:history", args=[practice.slug])).content.decode()
    assert reverse("moderation:restore", args=[practice.pk, current.number]) not in history
    assert reverse("moderation:restore", args=[practice.pk, 1]) in history
    response = client.post(reverse("moderation:restore", args=[practice.pk, current.number]))
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.revision_status == ""  # nothing proposed
    assert practice.versions.count() == current.number


def test_no_second_restoration_while_one_waits(client_as, member, cooperative):
    moderator = make_user(role=Role.MODERATOR, organisation=cooperative.union)
    practice = published_in_two_versions(member, cooperative, moderator)
    client = client_as(moderator)
    client.post(reverse("moderation:restore", args=[practice.pk, 1]))
    count = practice.versions.count()
    response = client.post(reverse("moderation:restore", args=[practice.pk, 1]), follow=True)
    assert "attend déjà la relecture" in response.content.decode()
    assert practice.versions.count() == count


def test_a_practice_not_online_is_restored_at_once(client_as, member, cooperative):
    moderator = make_user(role=Role.MODERATOR, organisation=cooperative.union)
    practice = draft_saved_twice(
        member, cooperative, title="Pas encore en ligne", first="Premier jet", second="Second jet"
    )
    practice.submit(by=member)
    client_as(moderator).post(reverse("moderation:restore", args=[practice.pk, 1]))
    assert live_summary(practice) == "Premier jet"
    assert Notification.objects.filter(recipient=member).exists()
