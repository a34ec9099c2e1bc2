"""App configuration of the life of a practice: comments, adoptions, follows, and
what they bring to the digest."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "observatoire.community"
    verbose_name = _("Vie des pratiques")

    def ready(self) -> None:
        from observatoire.community import digest, personal_data, receivers

        personal_data.register_all()
        receivers.connect()
        digest.register()
