"""``manage.py optimizesearch``: merge SQLite's full-text index after a bulk load, and daily.

A bulk load (generated data, ``importpractices``, a rebuild) leaves the FTS5 index cut into
hundreds of segments, each read by every search (practices/fts.py). PostgreSQL needs nothing
here: autovacuum keeps its indexes and statistics.
"""

from django.core.management.base import BaseCommand
from django.db import connection

from observatoire.practices import fts


class Command(BaseCommand):
    help = "Fusionne l'index plein texte de SQLite (après un chargement en masse, et chaque jour)."

    def handle(self, *args, **options):
        if not fts.optimize(connection):
            self.stdout.write("Rien à faire sur PostgreSQL : l'autovacuum entretient les index.")
            return
        self.stdout.write(self.style.SUCCESS("Index plein texte fusionné."))
