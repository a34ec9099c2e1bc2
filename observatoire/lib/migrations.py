"""Helpers for migrations whose SQL only one database understands."""

from django.db import migrations


def on_postgresql(forward: list[str], backward: list[str]) -> migrations.RunPython:
    """An operation running ``forward`` (and, reversed, ``backward``) statement by statement on
    PostgreSQL, and nothing on SQLite (whose full-text index is an FTS5 table)."""

    def run(statements: list[str]):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor != "postgresql":
                return
            for statement in statements:
                schema_editor.execute(statement)

        return apply

    return migrations.RunPython(run(forward), run(backward))
