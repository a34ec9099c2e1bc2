"""App configuration for the network."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "observatoire.network"
    verbose_name = _("Réseau")
