"""Forget the counters of limits whose window ended long ago (accounts/limits.py), and access
requests nobody answered in ACCESS_REQUEST_KEPT_DAYS: what a stranger typed is not kept
forever."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from observatoire.accounts import limits
from observatoire.accounts.models import AccessRequest

ACCESS_REQUEST_KEPT_DAYS = 90


class Command(BaseCommand):
    help = (
        "Supprime les compteurs de limites périmés (envois, commentaires…) et les demandes "
        "d'accès restées sans réponse depuis 90 jours. Chaque jour."
    )

    def handle(self, *args, **options) -> None:
        count = limits.purge()
        self.stdout.write(f"{count} compteur(s) périmé(s) supprimé(s).")
        cutoff = timezone.now() - timedelta(days=ACCESS_REQUEST_KEPT_DAYS)
        stale, _ = AccessRequest.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"{stale} demande(s) d'accès sans réponse supprimée(s).")
