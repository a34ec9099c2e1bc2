"""Import of cooperatives from an extract of the SIRENE register (INSEE), all or nothing. The
file is read and checked by network/sirene_file.py; what follows is written here.

The file is a CSV as INSEE publishes it (StockEtablissement, or an export of sirene.fr, unité
légale columns joined or not): comma or semicolon, UTF-8 (BOM or not) or Windows-1252, INSEE's
column names. Every line is checked first; one error anywhere and nothing is written, and the
report names each line (the header is line 1, as a spreadsheet shows) and column at fault.
A clean file is written in one transaction, in batches, each cooperative with its indexed
fields, facet rows and version; the directory's counts and vocabulary once at the end.

- A cooperative is known by its SIREN: a new one is created, a known one updated. Only head
  offices are read (``etablissementSiege``); the other lines are counted and skipped.
- Its legal form comes from ``categorieJuridiqueUniteLegale`` and data/categories_juridiques.csv
  (staff may edit it). INSEE has no category for a Scic or a CAE: the family comes from the
  file's optional ``famille`` column, else the category, else the cooperative's own, else the
  import's default (``--famille``). A CAE stays a CAE when the register says « Scop »: a CAE is
  a Scop or a Scic by law, which the register cannot tell.
- INSEE's headcount bands are grouped as the movement reports them (HEADCOUNT); an empty band
  keeps the cooperative's, and a new one starts at « 0-4 ».
- Closed in the register (establishment « F » or unité légale « C »): ``closed_on`` is set
  (``dateDebut``, else the date it already had, else the import's), never deleted; active
  again, it is cleared.
- What a person edited (the fields of the versions they authored) is kept unless
  ``overwrite``; the report says which. Each cooperative created or changed gets a version
  (author None) naming the fields the import changed.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import batched

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from observatoire.lib import bulk
from observatoire.network import directory_index
from observatoire.network.models import (
    Cooperative,
    CooperativeVersion,
    Departement,
    LocationPrecision,
    Organisation,
    Sector,
)
from observatoire.network.sirene_file import (
    CREATED,
    FAMILY,
    NAF,
    NEW_HEADCOUNT,
    Checker,
    Line,
    Refused,
    decode,
    missing_columns,
    rows,
)

BATCH = 1000
SOURCE = "sirene"  # in the data of the versions an import adds: who wrote them

POINT = ("latitude", "longitude", "location_precision")
# What a version keeps of a page: what a person edits (directory/editing.py) and the register.
PAGE = ("description", "website", "contact_email", "contact_phone", "contact_public", *POINT)
REGISTER = (
    "name",
    "siren",
    "siret",
    "family",
    "company_form",
    "address",
    "commune",
    "commune_code",
    "postcode",
    "naf_code",
    "headcount",
    "founded_year",
)
# What the import writes (the register's fields but the SIREN, which finds the cooperative,
# and what follows from them); a version's ``changed`` names them so.
IMPORTED = (
    *(name for name in REGISTER if name != "siren"),
    *POINT,
    "departement",
    "union",
    "sector",
    "closed_on",
)

# Wraps the items of a long step (their number, what the step is) to show its progress.
Progress = Callable[[Iterator, int, str], Iterable]


def _unchanged(items: Iterator, total: int, label: str) -> Iterator:
    return items


@dataclass
class Kept:
    line: int
    siren: str
    name: str
    fields: list[str]


@dataclass
class Report:
    dry_run: bool = False
    lines: int = 0  # data lines read
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0  # newly closed in the register
    reopened: int = 0
    skipped: int = 0  # establishments that are not the head office
    kept: list[Kept] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> list[str]:
        """The report in French, a sentence a line."""
        if self.errors:
            return [
                _("Import refusé : %(n)s erreur(s), rien n'a été écrit.") % {"n": len(self.errors)}
            ]
        lines = [
            (
                _("Essai à blanc : rien n'a été écrit. Lignes lues : %(n)s.")
                if self.dry_run
                else _("Lignes lues : %(n)s.")
            )
            % {"n": self.lines},
            _(
                "Coopératives créées : %(created)s ; mises à jour : %(updated)s ; "
                "inchangées : %(unchanged)s."
            )
            % {"created": self.created, "updated": self.updated, "unchanged": self.unchanged},
            _("Fermées au registre : %(closed)s ; rouvertes : %(reopened)s.")
            % {"closed": self.closed, "reopened": self.reopened},
            _("Établissements secondaires ignorés : %(n)s.") % {"n": self.skipped},
        ]
        for kept in self.kept:
            lines.append(
                _("ligne %(line)s, %(siren)s (%(name)s) : modifié à la main, gardé : %(fields)s.")
                % {
                    "line": kept.line,
                    "siren": kept.siren,
                    "name": kept.name,
                    "fields": ", ".join(
                        str(getattr(Cooperative._meta.get_field(name), "verbose_name", name))
                        for name in kept.fields
                    ),
                }
            )
        return lines


class Importer:
    """Applies checked lines to the cooperatives: new ones, changed ones, their versions."""

    def __init__(self, *, overwrite: bool, family: str, today: datetime.date):
        self.overwrite = overwrite
        self.default_family = family
        self.today = today
        self.departements = {
            d.code: d for d in Departement.objects.select_related("region", "union")
        }
        self.departement_codes = {d.pk: d.code for d in self.departements.values()}
        self.departements_by_pk = {d.pk: d for d in self.departements.values()}
        self.organisations = Organisation.objects.in_bulk()
        self.sectors = list(Sector.objects.all())
        self.sector_codes = {s.pk: s.code for s in self.sectors}
        self.existing = {c.siren: c for c in Cooperative.objects.all()}
        self.slugs = {c.slug for c in self.existing.values()}
        self.edited: dict[int, set[str]] = defaultdict(set)
        for pk, changed in CooperativeVersion.objects.filter(author__isnull=False).values_list(
            "cooperative_id", "changed"
        ):
            self.edited[pk].update(changed or [])
        self.last_number = dict(
            CooperativeVersion.objects.values_list("cooperative_id")
            .annotate(last=Max("number"))
            .values_list("cooperative_id", "last")
        )
        self.created: list[Cooperative] = []
        self.changed: list[tuple[Cooperative, list[str], dict | None]] = []
        self.errors: list[str] = []

    def sector(self, naf_code: str) -> Sector | None:
        division = int(naf_code[:2])
        for sector in self.sectors:
            if sector.first_division <= division <= sector.last_division:
                return sector
        return None

    def snapshot(self, cooperative: Cooperative) -> dict:
        data: dict = {name: getattr(cooperative, name) for name in PAGE + REGISTER}
        data["archived"] = cooperative.archived_at is not None
        data["departement"] = self.departement_codes.get(cooperative.departement_id, "")
        data["sector"] = self.sector_codes.get(cooperative.sector_id, "")
        data["union"] = cooperative.union_id
        data["closed_on"] = cooperative.closed_on.isoformat() if cooperative.closed_on else None
        return data

    def apply(self, line: Line, report: Report) -> None:
        cooperative = self.existing.get(line.siren)
        new = cooperative is None
        family = line.family
        if cooperative is not None and (
            not family or (cooperative.family == Cooperative.Family.CAE and not line.family_told)
        ):
            family = cooperative.family
        family = family or self.default_family
        if not family:
            report.errors.append(
                _(
                    "ligne %(line)s, %(column)s : famille inconnue pour une nouvelle coopérative "
                    "(ajoutez une colonne famille : scop, scic ou cae, ou choisissez-la pour "
                    "tout le fichier)."
                )
                % {"line": line.number, "column": FAMILY}
            )
            return
        if new and not line.naf_code:
            report.errors.append(
                _("ligne %(line)s, %(column)s : obligatoire pour une nouvelle coopérative.")
                % {"line": line.number, "column": NAF[0]}
            )
            return
        if new and line.founded_year is None:
            report.errors.append(
                _("ligne %(line)s, %(column)s : obligatoire pour une nouvelle coopérative.")
                % {"line": line.number, "column": CREATED[0]}
            )
            return
        departement = self.departements[line.commune.departement]
        values: dict = {
            "name": line.name,
            "family": family,
            "company_form": line.company_form,
            "address": line.address,
            "commune": line.commune.name,
            "commune_code": line.commune.code,
            "postcode": line.postcode,
            "departement": departement,
            "union": departement.union,
        }
        if line.siret:
            values["siret"] = line.siret
        if line.naf_code:
            values["naf_code"] = line.naf_code
            values["sector"] = self.sector(line.naf_code)
        if line.headcount:
            values["headcount"] = line.headcount
        if line.founded_year is not None:
            values["founded_year"] = line.founded_year
        if line.commune.placed:
            values.update(
                latitude=line.commune.latitude,
                longitude=line.commune.longitude,
                location_precision=LocationPrecision.COMMUNE,
            )
        if line.closed:
            values["closed_on"] = (
                line.closed_since or (cooperative and cooperative.closed_on) or self.today
            )
        else:
            values["closed_on"] = None

        if cooperative is None:
            base = slugify(line.name)[:200] or "cooperative"
            slug, number = f"{base}-{line.siren}", 1
            while slug in self.slugs:
                number += 1
                slug = f"{base}-{line.siren}-{number}"
            self.slugs.add(slug)
            values.setdefault("headcount", NEW_HEADCOUNT)
            cooperative = Cooperative(siren=line.siren, slug=slug, **values)
            self.existing[line.siren] = cooperative
            self.created.append(cooperative)
            report.created += 1
            report.closed += line.closed
            changed = [name for name in IMPORTED if values.get(name)]
            self.changed.append((cooperative, changed, None))
            return

        before = self.snapshot(cooperative)
        edited = self.edited.get(cooperative.pk, set())
        kept = []
        if not self.overwrite and (
            edited & set(POINT) or cooperative.location_precision == LocationPrecision.EXACT
        ):
            for name in POINT:
                if name in values and getattr(cooperative, name) != values.pop(name):
                    kept.append(name)
        if not self.overwrite:
            for name in sorted(edited & set(values) - set(POINT)):
                if getattr(cooperative, name) != values.pop(name):
                    kept.append(name)
        if kept:
            report.kept.append(Kept(line.number, line.siren, line.name, kept))
        was_closed = cooperative.closed_on is not None
        changed = []
        for name, value in values.items():
            related = name in ("departement", "sector", "union")
            current = getattr(cooperative, f"{name}_id" if related else name)
            if current != (value.pk if related and value is not None else value):
                setattr(cooperative, name, value)
                changed.append(name)
        if not changed:
            report.unchanged += 1
            return
        report.updated += 1
        report.closed += line.closed and not was_closed
        report.reopened += was_closed and not line.closed
        self.changed.append((cooperative, [n for n in IMPORTED if n in changed], before))

    def write(self, progress: Progress) -> None:
        """Write the cooperatives created and changed, their versions and the directory's
        index, a batch at a time: a number of queries that does not grow with them."""
        index = directory_index.BulkIndex(Cooperative)
        items = progress(iter(self.changed), len(self.changed), _("Écriture des coopératives"))
        for batch in batched(items, BATCH):
            self.write_batch(list(batch), index)
        index.finish()

    def write_batch(self, batch: list[tuple[Cooperative, list[str], dict | None]], index) -> None:
        created, updated = [], []
        fields: set[str] = set()
        for cooperative, changed, before in batch:
            self.attach(cooperative)
            indexed = index.fill(cooperative, new=before is None)
            if before is None:
                created.append(cooperative)
            else:
                updated.append(cooperative)
                fields.update(changed, indexed)
        if created:
            self.insert(created)
        if updated:
            bulk.update(Cooperative, updated, sorted(fields))
        bulk.insert(
            CooperativeVersion,
            ("cooperative", "number", "author", "created_at", "data", "changed"),
            self.versions(batch),
        )
        index.write_facets()

    def insert(self, created: list[Cooperative]) -> None:
        """Insert new cooperatives, then read their ids back by SIREN: ``bulk_create`` spent
        more time compiling each value than the database inserting the rows."""
        fields = [f for f in Cooperative._meta.concrete_fields if not f.primary_key]
        bulk.insert(
            Cooperative,
            [f.name for f in fields],
            ([getattr(c, f.attname) for f in fields] for c in created),
        )
        ids = dict(
            Cooperative.objects.filter(siren__in=[c.siren for c in created]).values_list(
                "siren", "pk"
            )
        )
        for cooperative in created:
            cooperative.pk = ids[cooperative.siren]
            cooperative._state.adding = False

    def attach(self, cooperative: Cooperative) -> None:
        """Its département (and région), union and federation, from those loaded: what the
        directory's index reads of it, without a query."""
        cooperative.departement = self.departements_by_pk[cooperative.departement_id]
        cooperative.union = self.organisations[cooperative.union_id]
        cooperative.federation = self.organisations.get(cooperative.federation_id)

    def versions(self, batch: list[tuple[Cooperative, list[str], dict | None]]) -> Iterator[tuple]:
        """Each written cooperative's new version (and, the first time the import changes a
        cooperative without one, the page before as version 1), as rows."""
        now = timezone.now()
        for cooperative, changed, before in batch:
            number = self.last_number.get(cooperative.pk, 0)
            if before is not None and number == 0:  # the page before the import changed it
                number = 1
                yield (cooperative.pk, 1, None, now, before, [])
            data = {**self.snapshot(cooperative), "source": SOURCE}
            yield (cooperative.pk, number + 1, None, now, data, changed)


def import_cooperatives(
    data: bytes,
    *,
    dry_run: bool = False,
    overwrite: bool = False,
    family: str = "",
    today: datetime.date | None = None,
    progress: Progress | None = None,
) -> Report:
    """Check every line of a SIRENE extract, then write all of it or nothing (the module's
    docstring says how). ``family``: the family of new cooperatives nothing else tells;
    ``progress(items, total, label)`` may wrap the lines checked, then the cooperatives
    written (a progress bar; ``label`` says which, in French)."""
    report = Report(dry_run=dry_run)
    try:
        text = decode(data)
        positions, lines = rows(text)
        missing = missing_columns(positions)
        if missing:
            raise Refused(_("Colonnes obligatoires absentes : %s.") % ", ".join(missing))
        checker = Checker(positions)
        checked = []
        progress = progress or _unchanged
        total = max(text.count("\n") - 1, 1)
        for number, row in progress(lines, total, _("Vérification des lignes")):
            report.lines += 1
            line = checker.check(number, row)
            if line is not None:
                checked.append(line)
        report.skipped = checker.skipped
        report.errors = checker.errors
        if report.lines == 0:
            raise Refused(_("Le fichier ne contient aucune ligne après l'en-tête."))
    except Refused as refused:
        report.errors.append(str(refused))
        return report
    if report.errors:
        return report
    try:
        with transaction.atomic():
            importer = Importer(
                overwrite=overwrite, family=family, today=today or timezone.localdate()
            )
            for line in checked:
                importer.apply(line, report)
            if report.errors or dry_run:
                return report
            with bulk.roomy_cache(Cooperative):
                importer.write(progress)
    except IntegrityError as error:  # a cooperative written meanwhile by someone else
        report.errors.append(_("Conflit à l'écriture, rien n'a été écrit : %s") % error)
    return report
