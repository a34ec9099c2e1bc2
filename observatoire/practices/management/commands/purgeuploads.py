"""Delete the uploads never joined to a practice (a form abandoned midway), files included.

The new documents of a revision of a published practice wait without a practice too, until a
moderator publishes it: they are kept as long as the revision is open (waiting for a decision
or sent back to its author). Those of a declined revision go with the others.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from observatoire.practices.models import Attachment
from observatoire.practices.moderation import uploads_of_open_revisions


class Command(BaseCommand):
    help = (
        "Supprime les fichiers déposés dans un formulaire de pratique jamais enregistré "
        "(par défaut après 48 heures). À lancer chaque jour."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--hours", type=int, default=48, help="âge minimal des dépôts à supprimer"
        )

    def handle(self, *args, hours: int, **options) -> None:
        limit = timezone.now() - timedelta(hours=hours)
        abandoned = Attachment.objects.filter(practice=None, created_at__lt=limit).exclude(
            pk__in=uploads_of_open_revisions()
        )
        count = 0
        for attachment in abandoned.iterator():
            attachment.file.delete(save=False)
            attachment.delete()
            count += 1
        self.stdout.write(f"{count} dépôt(s) abandonné(s) supprimé(s).")
