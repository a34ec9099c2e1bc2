"""Import cooperatives from an extract of the SIRENE register, all or nothing, with a report
(network/sirene.py says how the file is read)."""

import sys
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from observatoire.network.models import Cooperative
from observatoire.network.sirene import import_cooperatives


class Command(BaseCommand):
    help = (
        "Importe des coopératives depuis un extrait CSV du registre SIRENE (INSEE) : "
        "crée les nouvelles, met à jour les connues (par SIREN), signale les fermées."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="fichier CSV (StockEtablissement ou export sirene.fr)")
        parser.add_argument(
            "--dry-run", action="store_true", help="vérifier et compter sans rien écrire"
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="écraser aussi les champs modifiés à la main",
        )
        parser.add_argument(
            "--famille",
            choices=Cooperative.Family.values,
            default="",
            help="famille des nouvelles coopératives quand ni le fichier ni la catégorie "
            "juridique ne la donnent",
        )

    def handle(
        self, *args, path: str, dry_run: bool, overwrite: bool, famille: str, **options
    ) -> None:
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        verbosity = options["verbosity"]

        def progress(items: Iterator, total: int, label: str) -> Iterator:
            if verbosity > 0 and sys.stderr.isatty():
                return iter(tqdm(items, total=total, desc=label, unit="", mininterval=1))
            if verbosity > 1:
                return self.plain_progress(items, total, label)
            return items

        report = import_cooperatives(
            file.read_bytes(),
            dry_run=dry_run,
            overwrite=overwrite,
            family=famille,
            progress=progress,
        )
        if report.errors:
            for line in report.errors:
                self.stderr.write(line)
            raise CommandError(report.summary()[0])
        for line in report.summary():
            self.stdout.write(line)

    def plain_progress(self, items: Iterator, total: int, label: str) -> Iterator:
        """A line at every tenth of the step, for a log rather than a terminal."""
        step = max(total // 10, 1)
        for done, item in enumerate(items, start=1):
            yield item
            if done % step == 0 or done == total:
                self.stdout.write(f"{label} : {done} / {total}")
