"""App configuration for accounts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "observatoire.accounts"
    verbose_name = _("Comptes")

    def ready(self) -> None:
        from observatoire.accounts import (
            emails,  # noqa: F401 (its kinds of email: lib/mail.py)
            own_data,
            signin_lock,  # noqa: F401 (its receivers of sign-in signals)
        )

        own_data.register_all()
