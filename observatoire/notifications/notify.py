"""In-app notifications: ``notify(recipient, text, url)`` from any app.

Text is stored already translated in the recipient's language, since it is read later, on a page
rendered in that language.
"""

from collections.abc import Iterable

from observatoire.notifications.models import Notification


def notify(recipient, text: str, url: str = "") -> Notification | None:
    """Tell ``recipient`` (a person) something, with a link. Nothing for an anonymous recipient."""
    if recipient is None or not getattr(recipient, "pk", None):
        return None
    return Notification.objects.create(recipient=recipient, text=str(text)[:300], url=url)


def notify_many(recipients: Iterable, text_for, url: str = "") -> int:
    """One notification per distinct person; ``text_for(person)``: the text in their language."""
    seen: set[int] = set()
    rows = []
    for person in recipients:
        if person is None or person.pk in seen:
            continue
        seen.add(person.pk)
        rows.append(Notification(recipient=person, text=str(text_for(person))[:300], url=url))
    Notification.objects.bulk_create(rows)
    return len(rows)
