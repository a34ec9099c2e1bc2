"""Import practices and cooperatives from a JSON file, all or nothing, with a report."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from observatoire.practices import fts
from observatoire.practices.importer import ImportFailed, import_practices


class Command(BaseCommand):
    help = "Importe des pratiques depuis un fichier JSON (voir docs/import-format.md)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="fichier JSON à importer")
        parser.add_argument(
            "--dry-run", action="store_true", help="valider le fichier sans rien écrire"
        )

    def handle(self, *args, path: str, dry_run: bool, **options) -> None:
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        try:
            report = import_practices(file.read_bytes(), dry_run=dry_run)
        except ImportFailed as failure:
            for line in failure.errors:
                self.stderr.write(line)
            raise CommandError(
                f"Import refusé : {len(failure.errors)} erreur(s), rien n'a été écrit."
            ) from failure
        if not dry_run:
            fts.optimize(connection)  # a bulk load leaves the full-text index in pieces
        self.stdout.write(
            self.style.SUCCESS(
                f"Coopératives : {report.cooperatives_created} créées, "
                f"{report.cooperatives_updated} mises à jour. Pratiques : "
                f"{report.practices_created} créées, {report.practices_updated} mises à jour"
                f"{' (simulation, rien écrit)' if dry_run else ''}."
            )
        )
