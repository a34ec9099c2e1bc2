"""App configuration for the Observatory."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "observatoire.practices"
    verbose_name = _("Observatoire des pratiques")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from observatoire.practices import (
            emails,  # noqa: F401 (its kinds of email: lib/mail.py)
            page_body,
            personal_data,
            related,
        )
        from observatoire.practices.models import Category, Theme

        personal_data.register_all()
        for model in (Theme, Category):
            post_save.connect(related.rebuild_loaded, sender=model, dispatch_uid=f"related-{model}")
        page_body.connect()
