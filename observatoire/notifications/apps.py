"""App configuration of the in-site notifications and the email digest."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "observatoire.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.db.models import Count, OuterRef, Subquery
        from django.db.models.functions import Coalesce

        from observatoire.accounts.backends import PERSON_ANNOTATIONS
        from observatoire.notifications import (
            digest,  # noqa: F401 (its email: lib/mail.py)
            personal_data,
        )
        from observatoire.notifications.models import Notification

        personal_data.register_all()
        # The header's unread count comes with the signed-in person (one query fewer a page).
        PERSON_ANNOTATIONS["unread_notification_count"] = lambda person: Coalesce(
            Subquery(
                Notification.objects.filter(recipient=OuterRef(person), read_at__isnull=True)
                .order_by()
                .values("recipient")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            0,
        )
