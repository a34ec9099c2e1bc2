"""App configuration for pages."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "observatoire.pages"
    verbose_name = _("Pages")

    def ready(self) -> None:
        from observatoire.lib import personal
        from observatoire.pages import main_nav

        personal.register(main_nav.TEMPLATE, main_nav.parts)
