"""Template tags of the notifications: the unread count in the site's header."""

from django import template

from observatoire.notifications.models import Notification

register = template.Library()


@register.simple_tag
def unread_notification_count(user) -> int:
    """One indexed count, only for signed-in people (base.html calls it behind is_authenticated)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
