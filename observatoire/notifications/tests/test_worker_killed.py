"""A worker killed in the middle of sending an email (issue 8, point 8): the email is not lost,
and goes out once. Real processes on a database file of their own: the worker is started, its
task seen running, the process killed with SIGKILL, then another worker takes the task up
again once its lease is over."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def manage(env: dict, *args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, MANAGE, *args], env=env, check=True, capture_output=True, **options
    )


def task_states(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [
            row[0]
            for row in connection.execute("SELECT status FROM django_tasks_database_dbtaskresult")
        ]


def test_an_email_survives_its_worker_killed_mid_send(tmp_path):
    database, mails = tmp_path / "worker.sqlite3", tmp_path / "mails"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_DEBUG": "1",
        "DJANGO_CACHE": "none",
        "EMAIL_BACKEND": "observatoire.notifications.tests.slow_mail.EmailBackend",
        "MAIL_DIR": str(mails),
        "TASK_LEASE_SECONDS": "2",
    }
    env.pop("REDIS_URL", None)
    manage(env, "migrate", "-v", "0")
    manage(
        env,
        "shell",
        "-c",
        "from observatoire.accounts.models import User, Role\n"
        "from observatoire.lib.mail import send_email\n"
        "person = User.objects.create_user(email='tuee@exemple.coop', password='x' * 12,"
        " role=Role.ADMINISTRATOR, full_name='Personne Essai')\n"
        "assert send_email('test_message', person=person.pk)\n",
    )
    assert task_states(database) == ["READY"]
    slow = {**env, "SLOW_MAIL_SECONDS": "120"}
    worker = subprocess.Popen(
        [sys.executable, MANAGE, "runtasks", "--queue-name", "*", "--interval", "0.1"],
        env=slow,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while task_states(database) != ["RUNNING"]:
            assert time.monotonic() < deadline, "the worker never took the task"
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    assert task_states(database) == ["RUNNING"]  # what a dead worker leaves
    assert not mails.exists() or not list(mails.iterdir())
    time.sleep(2.5)  # the lease runs out
    manage(env, "runtasks", "--batch", "--no-startup-delay", "--queue-name", "*")
    assert task_states(database) == ["SUCCESSFUL"]
    assert len(list(mails.iterdir())) == 1  # sent, once
