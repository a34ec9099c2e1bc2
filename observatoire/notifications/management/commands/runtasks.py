"""The background worker (emails, digests): django-tasks-db's ``db_worker``, with a lease.

A worker killed while running a task (SIGKILL, out of memory, a power cut) leaves it RUNNING
for ever: nothing would run it again. Here, a task still running ``TASK_LEASE_SECONDS`` after it
started is put back in the queue, by any worker, at start and then every quarter of the lease:
a task runs at least once. Emails carry their own key (lib/mail.py), so a run taken up again
sends no second copy of what the first one sent.
"""

import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand
from django_tasks_db.models import DBTaskResult


def requeue_abandoned(lease: timedelta | None = None) -> int:
    """Put back in the queue the tasks running for longer than the lease; how many."""
    lease = lease or timedelta(seconds=settings.TASK_LEASE_SECONDS)
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - lease
    ).update(status=TaskResultStatus.READY, started_at=None)


class Command(DatabaseWorkerCommand):
    help = (
        "Le travailleur des tâches de fond (courriels, résumés) : celui de django-tasks-db, "
        "qui remet aussi en file les tâches d'un travailleur mort en cours de route."
    )

    def handle(self, *args, **options) -> None:
        requeue_abandoned()
        stop = threading.Event()

        def keep_leases() -> None:
            period = max(1.0, settings.TASK_LEASE_SECONDS / 4)
            while not stop.wait(period):
                close_old_connections()
                requeue_abandoned()
            connections.close_all()

        if not options.get("batch"):
            threading.Thread(target=keep_leases, name="task-leases", daemon=True).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
