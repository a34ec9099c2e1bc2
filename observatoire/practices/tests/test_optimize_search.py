"""SQLite's full-text index merged after bulk loads (``manage.py optimizesearch``)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from observatoire.practices import fts, search
from observatoire.practices.models import Practice
from observatoire.practices.tests.factories import make_practice

pytestmark = pytest.mark.django_db


def found(q: str) -> list[str]:
    return list(
        search.matching(Practice.objects.all(), search.parse(q)).values_list("title", flat=True)
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
def test_the_index_is_merged_into_one_segment_and_finds_the_same():
    for number in range(6):
        make_practice(title=f"Gouvernance tournante {number}")
    assert fts.segments(connection) > 1  # one write, one small segment
    before = sorted(found("gouvernance tournante"))
    out = StringIO()
    call_command("optimizesearch", stdout=out)
    assert "fusionné" in out.getvalue()
    assert fts.segments(connection) == 1
    assert sorted(found("gouvernance tournante")) == before and len(before) == 6


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL")
def test_postgresql_has_nothing_to_merge():
    out = StringIO()
    call_command("optimizesearch", stdout=out)
    assert "Rien à faire" in out.getvalue()
