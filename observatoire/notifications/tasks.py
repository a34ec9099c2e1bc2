"""Background work of the notifications app: the digests, and their daily schedule.

``schedule_digests`` (a management command run by ``make run``) enqueues ``run_scheduled_digests``
for the next morning if none is pending; each run sends the daily digests (and the weekly ones on
Mondays) and enqueues the next run: the schedule keeps itself going with the database worker.
"""

from datetime import datetime, time, timedelta

from django.tasks import TaskResultStatus, task
from django.utils import timezone

from observatoire.notifications.digest import send_digests_now

DIGEST_HOUR = time(7, 0)
MONDAY = 0


@task()
def send_digests(frequency: str) -> int:
    return send_digests_now(frequency)


def next_run(now: datetime) -> datetime:
    """The next 7:00, local time."""
    local = timezone.localtime(now)
    candidate = local.replace(
        hour=DIGEST_HOUR.hour, minute=DIGEST_HOUR.minute, second=0, microsecond=0
    )
    if candidate <= local:
        candidate = timezone.make_aware(
            datetime.combine(local.date() + timedelta(days=1), DIGEST_HOUR)
        )
    return candidate


def schedule_next() -> bool:
    """Enqueue the next scheduled run unless one is already waiting; True if enqueued."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=run_scheduled_digests.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return False
    run_scheduled_digests.using(run_after=next_run(timezone.now())).enqueue()
    return True


@task()
def run_scheduled_digests() -> int:
    sent = send_digests_now("daily")
    if timezone.localdate().weekday() == MONDAY:
        sent += send_digests_now("weekly")
    schedule_next()
    return sent
