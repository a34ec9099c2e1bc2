"""Shared test fixtures: reference data loaded once, and one persona per role."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command

from observatoire.accounts.models import Role
from observatoire.accounts.tests.factories import make_user
from observatoire.network.tests.factories import make_cooperative

REFERENCE_FIXTURES = ("network", "taxonomy")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The network and the taxonomy are reference data: present in every test, as in production."""
    with django_db_blocker.unblock():
        call_command("loaddata", *REFERENCE_FIXTURES, verbosity=0)


@pytest.fixture
def reference_data(transactional_db):
    """For a test with real transactions (threads): the database is emptied after each such
    test, reference data included; load it again when it is missing."""
    from observatoire.network.models import Departement

    if not Departement.objects.exists():
        call_command("loaddata", *REFERENCE_FIXTURES, verbosity=0)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def run_tasks(db):
    """``run_tasks()``: the database worker runs every task that is due, as `make run` does."""

    def run() -> None:
        # The worker closes « old » connections between tasks; inside a test's transaction
        # PostgreSQL's connection would be closed under the test. The test owns it: keep it.
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command(
                "runtasks", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0
            )

    return run


@pytest.fixture
def cooperative(db):
    return make_cooperative()


@pytest.fixture
def visitor():
    return None


@pytest.fixture
def member(cooperative):
    return make_user(role=Role.MEMBER, cooperative=cooperative)


@pytest.fixture
def coop_admin(cooperative):
    return make_user(role=Role.COOPERATIVE_ADMIN, cooperative=cooperative)


@pytest.fixture
def permanent(cooperative):
    return make_user(role=Role.PERMANENT, organisation=cooperative.union)


@pytest.fixture
def moderator(cooperative):
    return make_user(role=Role.MODERATOR, organisation=cooperative.union)


@pytest.fixture
def administrator(db):
    return make_user(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


ROLES = ["visitor", "member", "coop_admin", "permanent", "moderator", "administrator"]


@pytest.fixture(params=ROLES)
def persona(request):
    """Each role in turn, as (name, user or None)."""
    return request.param, request.getfixturevalue(request.param)


@pytest.fixture
def client_as(client):
    """``client_as(user)``: the test client signed in as ``user`` (or anonymous for None)."""

    def sign_in(user):
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
