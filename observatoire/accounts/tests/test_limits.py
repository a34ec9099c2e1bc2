"""Limits against abuse (issue 8, points 6, 7 and 11): counted in a table, atomically.

Nothing a visitor does evicts a counter (they lived in the database cache, culled at 300
entries); requests that arrive together never exceed a limit, on either database."""

import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection, connections
from django.urls import reverse

from observatoire.accounts import limits
from observatoire.accounts.models import ActionCount
from observatoire.accounts.tests.factories import make_user

PASSWORD = "un-mot-de-passe-solide"


@pytest.mark.django_db
def test_take_allows_up_to_the_limit_then_refuses():
    assert [limits.take("essai:1", 3, timedelta(hours=1)) for _ in range(5)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert limits.take("essai:2", 3, timedelta(hours=1))  # another key, its own count


@pytest.mark.django_db
def test_a_window_starts_again_once_its_period_is_over():
    for _ in range(3):
        limits.take("essai:fenetre", 3, timedelta(hours=1))
    assert not limits.take("essai:fenetre", 3, timedelta(hours=1))
    ActionCount.objects.filter(key="essai:fenetre").update(
        window_started=ActionCount.objects.get(key="essai:fenetre").window_started
        - timedelta(hours=1, seconds=1)
    )
    assert limits.take("essai:fenetre", 3, timedelta(hours=1))
    assert ActionCount.objects.get(key="essai:fenetre").count == 1


@pytest.mark.django_db
def test_several_files_count_one_each():
    assert limits.take("essai:fichiers", 10, timedelta(days=1), amount=8)
    assert not limits.take("essai:fichiers", 10, timedelta(days=1), amount=3)


@pytest.mark.django_db
def test_purge_forgets_old_windows_only():
    limits.take("essai:vieux", 3, timedelta(hours=1))
    limits.take("essai:recent", 3, timedelta(hours=1))
    old = ActionCount.objects.get(key="essai:vieux")
    ActionCount.objects.filter(pk=old.pk).update(
        window_started=old.window_started - timedelta(days=9)
    )
    assert limits.purge() == 1
    assert list(ActionCount.objects.values_list("key", flat=True)) == ["essai:recent"]


@pytest.mark.django_db
def test_password_reset_limit_survives_a_visitor_filling_the_cache(client):
    """The attack as found: 400 distinct URLs evicted the counters from the database cache."""
    person = make_user(email="cible@exemple.coop")
    url = reverse("accounts:password_reset")
    for _ in range(3):
        client.post(url, {"email": person.email})
    for number in range(400):
        client.get(reverse("practices:list"), {"q": f"mot{number}"})
    cache.clear()  # whatever the cache holds, or lost
    mail.outbox.clear()
    for _ in range(3):
        client.post(url, {"email": person.email})
    from django_tasks_db.models import DBTaskResult

    queued = [
        task
        for task in DBTaskResult.objects.all()
        if person.email in str(task.args_kwargs) or str(person.pk) in str(task.args_kwargs)
    ]
    assert len(queued) == 3  # the first three only


@pytest.mark.django_db
def test_address_change_is_limited_and_says_nothing_of_other_accounts(client_as):
    person = make_user(full_name="<a href='http://spam.example'>Gagnez</a>")
    make_user(email="deja.pris@exemple.coop")
    client = client_as(person)
    url = reverse("accounts:email_change")
    taken = client.post(url, {"email": "deja.pris@exemple.coop", "password": PASSWORD})
    free = client.post(url, {"email": "libre@exemple.coop", "password": PASSWORD})
    assert taken.status_code == free.status_code == 302  # the same answer for both
    for number in range(3):
        client.post(url, {"email": f"victime{number}@ailleurs.example", "password": PASSWORD})
    refused = client.post(url, {"email": "victime9@ailleurs.example", "password": PASSWORD})
    assert refused.status_code == 200
    assert "limite" in refused.content.decode()
    assert "victime9@ailleurs.example" in refused.content.decode()  # what was typed is kept
    from django_tasks_db.models import DBTaskResult

    sent = " ".join(str(task.args_kwargs) for task in DBTaskResult.objects.all())
    assert "deja.pris@exemple.coop" not in sent  # no link to an address in use
    assert "victime9" not in sent
    assert "spam.example" not in sent and "Gagnez" not in sent  # no free text to a stranger


def _run_together(count: int, action) -> list:
    barrier = threading.Barrier(count)
    results: list = []
    lock = threading.Lock()

    def run():
        barrier.wait()
        try:
            outcome = action()
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_requests_at_the_same_moment_never_pass_the_limit():
    """Twenty requests at once: each gets its own count, so exactly ``limit`` of them pass."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite: the next test, on a database file as the site's")
    results = _run_together(20, lambda: limits.count("essai:course", timedelta(hours=1)))
    assert sorted(results) == list(range(1, 21))
    assert ActionCount.objects.get(key="essai:course").count == 20


def test_the_same_statement_on_a_sqlite_file_with_twenty_connections(tmp_path):
    """The site's SQLite (a file, in WAL mode, each worker its own connection, write
    transactions begun IMMEDIATE): the counting statement of limits.py, run by twenty threads
    with a connection each. The test database, in memory, cannot host that race: its threads
    share one cache whose table locks fail instead of waiting."""
    path = tmp_path / "course.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute(
            f'CREATE TABLE "{ActionCount._meta.db_table}" (id INTEGER PRIMARY KEY, '
            '"key" varchar(200) NOT NULL UNIQUE, "count" integer NOT NULL, '
            '"window_started" datetime NOT NULL)'
        )
    sql = limits.counting_sql(lambda name: f'"{name}"', placeholder="?")
    now = datetime.now(UTC)
    params = limits.counting_params(
        "essai:course",
        1,
        now.isoformat(" "),
        (now - timedelta(hours=1)).isoformat(" "),
    )

    def one() -> int:
        own = sqlite3.connect(path, timeout=10, isolation_level=None)
        try:
            own.execute("BEGIN IMMEDIATE")
            (found,) = own.execute(sql, params).fetchone()
            own.execute("COMMIT")
            return found
        finally:
            own.close()

    results = _run_together(20, one)
    assert sorted(results) == list(range(1, 21))
