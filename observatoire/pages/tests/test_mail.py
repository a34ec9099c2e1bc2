"""Emails go through the database task queue, are retried when sending fails, and never break
the request that asked for them."""

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
    assert send_email("accounts/test_message", to=member, context={"name": "Camille"})
    assert mail.outbox == []  # nothing leaves during the request
    run_tasks()
    (sent,) = mail.outbox
    assert sent.to == [member.email]
    assert "Camille" in sent.body
    assert "http://" in sent.body or "https://" in sent.body


def test_the_recipients_language_is_used(member, run_tasks):
    member.language = "en"
    french = render_email("accounts/test_message", {"name": "x"}, "fr")
    english = render_email("accounts/test_message", {"name": "x"}, "en")
    assert french["subject"] != english["subject"]


def test_a_failed_send_is_retried_later_and_the_caller_never_sees_it(member, run_tasks):
    send_email("accounts/test_message", to=member, context={"name": "Camille"})
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")
    ):
        run_tasks()
    assert mail.outbox == []
    retries = [task for task in queued() if task.args_kwargs["args"][1:] == [2]]
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
    send_email("accounts/test_message", to=member, context={"name": "Camille"})
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError):
        run_tasks()
    assert [task.status for task in queued()] == ["FAILED"]


def test_a_broken_queue_does_not_break_the_request(member):
    broken = mock.Mock(**{"enqueue.side_effect": RuntimeError("queue down")})
    with mock.patch("observatoire.lib.mail.deliver_email", broken):
        assert send_email("accounts/test_message", to=member, context={"name": "x"}) is False
