"""``manage.py senddigests --frequency daily|weekly``: send the digests now (for cron)."""

from django.core.management.base import BaseCommand

from observatoire.notifications.digest import send_digests_now


class Command(BaseCommand):
    help = (
        "Envoie les courriels récapitulatifs de la fréquence donnée (quotidienne ou hebdomadaire)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--frequency", choices=["daily", "weekly"], required=True)

    def handle(self, *args, frequency: str, **options) -> None:
        sent = send_digests_now(frequency)
        self.stdout.write(f"{sent} courriel(s) récapitulatif(s) en file d'envoi.")
