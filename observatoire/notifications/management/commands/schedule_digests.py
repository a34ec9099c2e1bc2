"""``manage.py schedule_digests``: make sure the next digest run waits in the task queue.

Run once when the worker starts (``make run`` does); each run then enqueues the next one.
"""

from django.core.management.base import BaseCommand

from observatoire.notifications.tasks import next_run, schedule_next


class Command(BaseCommand):
    help = "Programme le prochain envoi des courriels récapitulatifs s'il n'est pas déjà prévu."

    def handle(self, *args, **options) -> None:
        from django.utils import timezone

        if schedule_next():
            self.stdout.write(
                f"Prochain envoi programmé : {next_run(timezone.now()):%Y-%m-%d %H:%M}."
            )
        else:
            self.stdout.write("Un envoi est déjà programmé.")
