"""The email digest: grouped, with excerpts, never empty, one-click unsubscribe, in the
person's language."""

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from observatoire.accounts.models import Role
from observatoire.accounts.tests.factories import make_user
from observatoire.community.models import Follow
from observatoire.community.tests.factories import make_comment
from observatoire.notifications.digest import send_digests_now, unsubscribe_token
from observatoire.notifications.models import DigestPreference
from observatoire.notifications.tasks import (
    next_run,
    run_scheduled_digests,
    schedule_next,
    send_digests,
)
from observatoire.practices.models import Category, Practice, Theme
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db

LONG_SUMMARY = " ".join(f"mot{n}" for n in range(80))


def follow_everything(user, cooperative):
    Follow.objects.create(user=user, category=Category.objects.get(slug="organisation-collective"))
    Follow.objects.create(user=user, theme=Theme.objects.get(slug="gouvernance"))
    Follow.objects.create(user=user, cooperative=cooperative)


def test_digest_groups_new_practices_and_comments_with_excerpts(member, coop_admin, run_tasks):
    follow_everything(member, member.cooperative)
    now = timezone.now()
    make_practice(title="Dans la catégorie", summary=LONG_SUMMARY, published_at=now)
    make_practice(
        title="Par le thème", category="un-vecu", themes=["gouvernance"], published_at=now
    )
    make_practice(title="Trop ancienne", published_at=now - timedelta(days=30))
    followed = make_practice(
        title="Suivie", category="un-vecu", published_at=now - timedelta(days=60)
    )
    Follow.objects.create(user=member, practice=followed)
    make_comment(followed, coop_admin, body="Un commentaire sur la pratique suivie")
    mine = make_comment(followed, member, body="Ma question")
    make_comment(followed, coop_admin, body="La réponse à ma question", parent=mine)

    assert send_digests_now("weekly") == 1
    run_tasks()
    [email] = mail.outbox
    assert email.to == [member.email]
    body = email.body
    groups = {
        part.split(" ==", 1)[0]: part for part in body.split("\n== ")[1:]
    }  # each followed item with what is new in it
    assert "Dans la catégorie" in groups["Une organisation collective"]
    assert "Par le thème" in groups["Gouvernance"]
    assert "Un commentaire sur la pratique suivie" in groups["Sur « Suivie »"]
    assert "Trop ancienne" not in body
    assert "mot29…" in body and "mot40" not in body  # a short excerpt, not the whole text
    assert "Un commentaire sur la pratique suivie" in body
    assert f"{coop_admin.full_name} a répondu à votre commentaire" in body
    assert "Ma question" not in body  # one's own comment is no news
    assert DigestPreference.objects.get(user=member).last_sent_at is not None


def test_digest_is_not_sent_when_there_is_nothing_new(member, run_tasks):
    follow_everything(member, member.cooperative)
    make_practice(published_at=timezone.now() - timedelta(days=30))
    assert send_digests_now("weekly") == 0
    run_tasks()
    assert mail.outbox == []
    assert not DigestPreference.objects.filter(user=member, last_sent_at__isnull=False).exists()


def test_second_digest_only_has_what_came_after_the_first(member, run_tasks):
    follow_everything(member, member.cooperative)
    make_practice(title="Avant", published_at=timezone.now() - timedelta(hours=1))
    assert send_digests_now("weekly") == 1
    assert send_digests_now("weekly") == 0  # nothing new since


def test_frequency_chooses_who_gets_which_digest(member, coop_admin):
    follow_everything(member, member.cooperative)
    follow_everything(coop_admin, member.cooperative)
    DigestPreference.objects.create(user=coop_admin, frequency="daily")
    make_practice(published_at=timezone.now())
    assert send_digests_now("daily") == 1  # coop_admin only
    assert send_digests_now("weekly") == 1  # member (no choice: weekly)
    DigestPreference.objects.create(user=make_user(), frequency="off")
    assert send_digests_now("daily") == 0


def test_members_only_practices_reach_the_digest_of_members(member):
    follow_everything(member, member.cooperative)
    make_practice(
        title="Réservée", visibility=Practice.Visibility.MEMBERS, published_at=timezone.now()
    )
    assert send_digests_now("weekly") == 1


def test_list_unsubscribe_headers_and_one_click_post_without_login(client, member, run_tasks):
    follow_everything(member, member.cooperative)
    make_practice(published_at=timezone.now())
    send_digests_now("weekly")
    run_tasks()
    [email] = mail.outbox
    header = email.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and header.endswith(">")
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = header[1:-1].split("://", 1)[1].split("/", 1)[1]
    url = "/" + path
    assert url in email.body or header[1:-1] in email.body
    page = client.get(url)
    assert page.status_code == 200 and "Confirmer le désabonnement" in page.content.decode()
    assert not DigestPreference.objects.filter(user=member, frequency="off").exists()
    client.cookies.clear()
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert DigestPreference.objects.get(user=member).frequency == "off"
    make_practice(published_at=timezone.now())
    assert send_digests_now("weekly") == 0


def test_a_forged_unsubscribe_token_is_refused(client, member):
    token = unsubscribe_token(member)
    response = client.post(reverse("notifications:unsubscribe", args=[token[:-2] + "xx"]))
    assert response.status_code == 400
    assert "n'est pas valable" in response.content.decode().replace("&#x27;", "'")
    assert not DigestPreference.objects.filter(frequency="off").exists()


def test_digest_respects_the_persons_language(member, run_tasks):
    english = make_user(role=Role.MEMBER, cooperative=member.cooperative, language="en")
    follow_everything(english, member.cooperative)
    make_practice(published_at=timezone.now())
    send_digests_now("weekly")
    run_tasks()
    [email] = mail.outbox
    # The subject ends with the site's name, already in the English catalogue.
    assert email.subject.endswith("Observatory of cooperative practices")
    french = make_user(role=Role.MEMBER, cooperative=member.cooperative)
    follow_everything(french, member.cooperative)
    DigestPreference.objects.filter(user=english).update(last_sent_at=None)
    send_digests_now("weekly")
    run_tasks()
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[french.email].endswith("Observatoire des pratiques coopératives")


def test_the_task_and_the_commands(member, run_tasks):
    follow_everything(member, member.cooperative)
    make_practice(published_at=timezone.now())
    send_digests.enqueue("weekly")
    run_tasks()
    assert len(mail.outbox) == 1
    call_command("senddigests", "--frequency", "weekly")  # nothing new: nothing sent
    run_tasks()
    assert len(mail.outbox) == 1


def test_schedule_enqueues_one_run_at_a_time():
    assert schedule_next() is True
    assert schedule_next() is False
    waiting = DBTaskResult.objects.get()
    assert waiting.run_after == next_run(timezone.now())
    assert timezone.localtime(waiting.run_after).hour == 7


def test_a_scheduled_run_sends_and_schedules_the_next(member, run_tasks):
    follow_everything(member, member.cooperative)
    DigestPreference.objects.create(user=member, frequency="daily")
    make_practice(published_at=timezone.now())
    assert run_scheduled_digests.call() == 1
    waiting = DBTaskResult.objects.get(task_path=run_scheduled_digests.module_path)
    assert waiting.run_after > timezone.now()
    call_command("schedule_digests")  # already scheduled: nothing more
    assert DBTaskResult.objects.filter(task_path=run_scheduled_digests.module_path).count() == 1


def test_weekly_digests_go_on_mondays_only(member):
    follow_everything(member, member.cooperative)
    make_practice(published_at=timezone.now())
    tuesday = timezone.make_aware(datetime(2026, 11, 24, 7, 0))
    with mock.patch("django.utils.timezone.now", return_value=tuesday):
        make_practice(published_at=tuesday)
        assert run_scheduled_digests.call() == 0
    monday = timezone.make_aware(datetime(2026, 11, 30, 7, 0))
    with mock.patch("django.utils.timezone.now", return_value=monday):
        make_practice(published_at=monday)
        assert run_scheduled_digests.call() == 1
