"""App configuration for the Observatory."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "observatoire.practices"
    verbose_name = _("Observatoire des pratiques")

    def ready(self) -> None:
        from observatoire.practices import personal_data

        personal_data.register_all()
