"""App configuration of the directory of cooperatives."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "observatoire.directory"
    verbose_name = _("Annuaire des coopératives")

    def ready(self) -> None:
        from observatoire.directory import actions
        from observatoire.lib import personal

        personal.register_renderer(actions.NAME, actions.render)
