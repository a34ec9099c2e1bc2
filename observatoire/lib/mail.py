"""Emails leave through the tasks framework, never from inside a request.

``send_email("moderation/published", to=user, context={...})`` renders
``templates/emails/moderation/published.subject.txt`` and ``….txt`` (and ``….html`` when it
exists) in the recipient's language, then stores a ``deliver_email`` task in the database, in the
same transaction as the change it reports: the email goes out only if the change is saved. The
worker (``manage.py db_worker``) sends it; a failed send is tried again later, waiting longer each
time, and a request never waits for the mail server nor fails because of it.
"""

import contextlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
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


def send_email(
    template: str,
    to,
    context: dict | None = None,
    *,
    language: str | None = None,
    headers: dict[str, str] | None = None,
) -> bool:
    """Queue an email to ``to`` (a person or an address). False if it could not be queued.

    A person receives it in their language. Never raises: a broken queue is logged, and the
    request that asked for the email carries on.
    """
    address = getattr(to, "email", to)
    if not address:
        return False
    language = language or getattr(to, "language", None) or settings.LANGUAGE_CODE
    message = render_email(template, context or {}, language)
    message.update(to=[address], headers=dict(headers or {}))
    try:
        with transaction.atomic():
            deliver_email.enqueue(message)
    except Exception:
        logger.exception("Email « %s » could not be queued", template)
        return False
    return True


def retry_delay(attempt: int) -> timedelta:
    """1, 4, 16, 64… minutes: a mail server that is down has time to come back."""
    return timedelta(minutes=4 ** (attempt - 1))


@task(queue_name="emails")
def deliver_email(message: dict, attempt: int = 1) -> None:
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message["to"],
        headers=message.get("headers") or {},
    )
    if message.get("html"):
        email.attach_alternative(message["html"], "text/html")
    try:
        email.send()
    except Exception:
        if attempt >= settings.EMAIL_ATTEMPTS:
            logger.exception("Email « %s » failed %d times, given up", message["subject"], attempt)
            raise
        logger.warning("Email « %s » failed (attempt %d), will retry", message["subject"], attempt)
        later = timezone.now() + retry_delay(attempt)
        deliver_email.using(run_after=later).enqueue(message, attempt + 1)
