"""Render and store the page body and the list card of every published practice whose stored
body or card is missing or out of date (page_body.py): after a deployment that changed its
templates or translations, after data loaded without ``Practice.save()``. Safe to run at any
time; pages stay correct meanwhile, only slower.
"""

from django.core.management.base import BaseCommand

from observatoire.practices import page_body


class Command(BaseCommand):
    help = (
        "Enregistre le corps de page et la carte des pratiques publiées qui n'en ont pas, ou "
        "dont ceux enregistrés ne correspondent plus aux gabarits. À lancer après chaque mise "
        "à jour."
    )

    def handle(self, *args, **options) -> None:
        rendered = page_body.render_all()
        if options["verbosity"] > 0:
            self.stdout.write(
                self.style.SUCCESS(f"{rendered} pratiques rendues (corps de page et carte).")
            )
