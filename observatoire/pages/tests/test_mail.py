"""Emails go through the database task queue, are retried when sending fails, and never break
the request that asked for them."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from observatoire.lib.mail import render_email, send_email

pytestmark = pytest.mark.django_db


def queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.order_by("enqueued_at"))


def test_an_email_is_queued_then_sent_by_the_worker(member, run_tasks):
    assert send_email("test_message", person=member.pk)
    assert mail.outbox == []  # nothing leaves during the request
    run_tasks()
    (sent,) = mail.outbox
    assert sent.to == [member.email]
    assert member.full_name in sent.body  # read from the person when sent
    assert "http://" in sent.body or "https://" in sent.body


def test_the_recipients_language_is_used(member, run_tasks):
    member.language = "en"
    french = render_email("accounts/test_message", {"name": "x"}, "fr")
    english = render_email("accounts/test_message", {"name": "x"}, "en")
    assert french["subject"] != english["subject"]


def test_a_failed_send_is_retried_later_and_the_caller_never_sees_it(member, run_tasks):
    send_email("test_message", person=member.pk)
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")
    ):
        run_tasks()
    assert mail.outbox == []
    retries = [task for task in queued() if task.args_kwargs["kwargs"].get("attempt") == 2]
    assert len(retries) == 1
    assert retries[0].run_after > timezone.now()  # waits before trying again
    run_tasks()
    assert mail.outbox == []
    # Once the server is back and the delay is over, the retry goes out.
    DBTaskResult.objects.filter(pk=retries[0].pk).update(run_after=timezone.now())
    run_tasks()
    assert len(mail.outbox) == 1


def test_the_last_attempt_gives_up_and_is_recorded_as_failed(member, run_tasks, settings):
    settings.EMAIL_ATTEMPTS = 1
    send_email("test_message", person=member.pk)
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError):
        run_tasks()
    assert [task.status for task in queued()] == ["FAILED"]


def test_a_broken_queue_does_not_break_the_request(member):
    broken = mock.Mock(**{"enqueue.side_effect": RuntimeError("queue down")})
    with mock.patch("observatoire.lib.mail.deliver_email", broken):
        assert send_email("test_message", person=member.pk) is False


def test_a_task_holds_ids_not_the_email(member):
    """Point 5 of issue 8: what a reader of the task table finds is ids, never a text."""
    send_email("test_message", person=member.pk)
    (task,) = queued()
    stored = str(task.args_kwargs)
    assert member.email not in stored and member.full_name not in stored
    assert task.args_kwargs["kwargs"]["ids"] == {"person": member.pk}


def test_an_email_to_someone_deleted_meanwhile_is_not_sent(member, run_tasks):
    send_email("test_message", person=member.pk)
    member.is_active = False
    member.save()
    run_tasks()
    assert mail.outbox == []


def test_a_run_taken_up_again_sends_no_second_copy(member, run_tasks):
    """A worker died after sending but before recording the task's end: the lease puts it back
    in the queue (runtasks.py), and its mark says it was sent."""
    from observatoire.notifications.management.commands.runtasks import requeue_abandoned

    send_email("test_message", person=member.pk)
    run_tasks()
    assert len(mail.outbox) == 1
    message_id = mail.outbox[0].extra_headers["Message-ID"]
    (task,) = queued()
    # As a worker killed at that moment leaves it: RUNNING, long ago.
    DBTaskResult.objects.filter(pk=task.pk).update(
        status="RUNNING", started_at=timezone.now() - timedelta(hours=1)
    )
    assert requeue_abandoned() == 1
    run_tasks()
    assert len(mail.outbox) == 1  # no second copy
    assert [task.status for task in queued()] == ["SUCCESSFUL"]
    assert message_id.endswith(">") and task.args_kwargs["kwargs"]["key"] in message_id


def test_a_task_still_within_its_lease_is_left_to_its_worker(member):
    from observatoire.notifications.management.commands.runtasks import requeue_abandoned

    send_email("test_message", person=member.pk)
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now())
    assert requeue_abandoned() == 0
