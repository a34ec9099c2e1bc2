"""Template tags of the notifications: the unread count in the site's header."""

from django import template
from django.db.models import Count

from observatoire.lib.prepared import Prepared
from observatoire.notifications.models import Notification

register = template.Library()

# On every page a signed-in person reads: compiled once per process (lib/prepared.py).
unread_count = Prepared(
    lambda pk: (
        Notification.objects.filter(recipient=pk, read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(unread=Count("pk"))
        .values_list("unread", flat=True)
    ),
    name="unread_count",
)


@register.simple_tag
def unread_notification_count(user) -> int:
    """One indexed count, only for signed-in people (base.html calls it behind is_authenticated)."""
    if not user.is_authenticated:
        return 0
    known = getattr(user, "unread_notification_count", None)  # read with the person
    if known is not None:
        return known
    found = unread_count(user.pk)
    return found[0] if found else 0
