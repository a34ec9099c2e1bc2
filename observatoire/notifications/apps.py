"""App configuration of the in-site notifications and the email digest."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "observatoire.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from observatoire.notifications import personal_data

        personal_data.register_all()
