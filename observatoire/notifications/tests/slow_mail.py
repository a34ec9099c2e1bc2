"""An email backend for the test that kills the worker: it waits ``SLOW_MAIL_SECONDS`` before
sending, then writes each message to ``MAIL_DIR`` (one file each), where another process counts
them."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0")))
        directory = Path(os.environ["MAIL_DIR"])
        directory.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            (directory / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)
