"""Emails leave through the tasks framework, never from inside a request.

A task holds what to build an email from, never the email: its kind and ids
(``send_email("password_reset", person=user.pk)``), in the same transaction as the change it
reports, so that it goes out only if the change is saved. The worker (``manage.py db_worker``)
builds it when it sends it, from the rows as they are then, with the function the app that
owns it registered for that kind (``@email_kind("password_reset")``), and renders
``templates/emails/<template>.subject.txt`` and ``….txt`` (and ``….html`` when it exists) in
the recipient's language:

- a link carrying a token is made at that moment: it exists only in the email, and nobody who
  reads the task table (a backup, a replica) finds one that works;
- a person deleted meanwhile gets nothing, and the table keeps no address, name or text of
  theirs (``forget_emails_to``);
- a failed send is tried again later, waiting longer each time; a request never waits for the
  mail server nor fails because of it.
"""

import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import TaskContext, task
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """A link that works from a mailbox: the site's address, then the path."""
    return settings.SITE_URL.rstrip("/") + path


def render_email(template: str, context: dict, language: str) -> dict:
    """Subject, text and optional HTML body of ``template``, rendered in ``language``."""
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}.subject.txt", context)
        body = render_to_string(f"emails/{template}.txt", context)
        html = ""
        with contextlib.suppress(TemplateDoesNotExist):
            html = render_to_string(f"emails/{template}.html", context)
    return {"subject": " ".join(subject.split()), "body": body, "html": html}


@dataclass
class Email:
    """What a builder returns: the template, the recipient (a person, whose address, name and
    language are read then, or an address) and the rest of the template's context."""

    template: str
    to: Any
    context: dict = field(default_factory=dict)
    language: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


BUILDERS: dict[str, Callable[..., Email | None]] = {}


def email_kind(kind: str):
    """Register the function that builds emails of ``kind`` from their ids (keyword
    arguments), when they are sent; it returns None when there is nothing to send any more
    (the person left, the invitation was used)."""

    def register(build: Callable[..., Email | None]):
        BUILDERS[kind] = build
        return build

    return register


def send_email(kind: str, /, **ids: int | str | bool | None) -> bool:
    """Queue an email of ``kind`` (registered with ``email_kind``) built from ``ids`` when it is
    sent. False if it could not be queued: never raises, a broken queue is logged and the
    request that asked for the email carries on. ``person`` names the recipient when it is
    someone with an account (``forget_emails_to`` finds it)."""
    if kind not in BUILDERS:
        raise ValueError(f"unknown email kind {kind!r}")
    try:
        with transaction.atomic():
            deliver_email.enqueue(kind=kind, ids=ids, key=uuid.uuid4().hex)
    except Exception:
        logger.exception("Email « %s » could not be queued", kind)
        return False
    return True


def message_of(email: Email) -> dict:
    """The email rendered: subject, text, HTML, recipient and headers."""
    person = email.to if hasattr(email.to, "email") else None
    address = person.email if person is not None else email.to
    language = email.language or getattr(person, "language", None) or settings.LANGUAGE_CODE
    context = dict(email.context)
    if person is not None:
        context.setdefault("name", person.full_name)
    message = render_email(email.template, context, language)
    message.update(to=[address], headers=dict(email.headers))
    return message


def forget_emails_to(person_pk: int) -> int:
    """Drop the emails still waiting for a person being deleted; how many."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        status="READY",
        task_path=f"{deliver_email.module_path}",
        args_kwargs__kwargs__ids__person=person_pk,
    )
    deleted, _ = waiting.delete()
    return deleted


def retry_delay(attempt: int) -> timedelta:
    """1, 4, 16, 64… minutes: a mail server that is down has time to come back."""
    return timedelta(minutes=4 ** (attempt - 1))


SENT = "sent"


def _already_sent(task_id) -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(pk=task_id, return_value=SENT).exists()


def _mark_sent(task_id) -> None:
    """Said at once (outside any transaction), before the worker records the task's end: a
    run taken up again after its worker died (runtasks.py) finds it and sends nothing."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(pk=task_id).update(return_value=SENT)


def message_id(key: str) -> str:
    """The same Message-ID for every attempt at one email: mail systems keep one copy."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "observatoire.local"
    return f"<{key}@{domain}>"


@task(queue_name="emails", takes_context=True)
def deliver_email(
    context: TaskContext, kind: str, ids: dict, attempt: int = 1, key: str = ""
) -> str | None:
    """Build and send one email; its ``key`` (made when it was queued) keeps it to one copy."""
    task_id = context.task_result.id
    if _already_sent(task_id):
        return SENT  # a run taken up again after its worker died: it was sent
    built = BUILDERS[kind](**ids)
    if built is None:
        return None  # nothing to send any more
    message = message_of(built)
    if not message["to"] or not message["to"][0]:
        return None
    headers = dict(message.get("headers") or {})
    if key:
        headers["Message-ID"] = message_id(key)
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message["to"],
        headers=headers,
    )
    if message.get("html"):
        email.attach_alternative(message["html"], "text/html")
    try:
        email.send()
    except Exception:
        if attempt >= settings.EMAIL_ATTEMPTS:
            logger.exception("Email « %s » failed %d times, given up", kind, attempt)
            raise
        logger.warning("Email « %s » failed (attempt %d), will retry", kind, attempt)
        later = timezone.now() + retry_delay(attempt)
        deliver_email.using(run_after=later).enqueue(
            kind=kind, ids=ids, attempt=attempt + 1, key=key
        )
        return None
    _mark_sent(task_id)
    return SENT


@email_kind("test_message")
def _test_message(*, person: int) -> Email | None:
    """A message to check that email works (tests, and whoever sets a site up)."""
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.active(person)  # type: ignore[attr-defined]
    return Email("accounts/test_message", to=found) if found else None
