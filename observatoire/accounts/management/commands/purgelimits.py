"""Forget the counters of limits whose window ended long ago (accounts/limits.py)."""

from django.core.management.base import BaseCommand

from observatoire.accounts import limits


class Command(BaseCommand):
    help = "Supprime les compteurs de limites périmés (envois, commentaires…). Chaque jour."

    def handle(self, *args, **options) -> None:
        count = limits.purge()
        self.stdout.write(f"{count} compteur(s) périmé(s) supprimé(s).")
