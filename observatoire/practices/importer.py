"""Import of practices and cooperatives from the documented JSON format (docs/import-format.md).

All or nothing: every record is validated first and the report names each bad record and field;
only a clean file is written, inside one transaction.
"""

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from observatoire.lib.identifiers import normalise_siren, validate_siren
from observatoire.lib.numbers import is_ascii_digits
from observatoire.network.models import Cooperative, Departement, Organisation, Sector
from observatoire.practices.models import Category, Practice, PracticeLink, Tag, Theme

PRACTICE_TEXT_FIELDS = {
    "summary": 600,
    "context": None,
    "actions": None,
    "setup_steps": None,
    "setup_duration": 200,
    "setup_cost": 200,
    "setup_people": 300,
    "results": None,
    "difficulties": None,
}


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportReport:
    cooperatives_created: int = 0
    cooperatives_updated: int = 0
    practices_created: int = 0
    practices_updated: int = 0
    errors: list[str] = field(default_factory=list)


def _text(
    record: dict,
    key: str,
    *,
    required: bool,
    max_length: int | None,
    problems: list[tuple[str, str]],
) -> str:
    value = record.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems.append((key, "doit être du texte"))
        return ""
    value = value.strip()
    if required and not value:
        problems.append((key, "obligatoire"))
    if max_length and len(value) > max_length:
        problems.append((key, f"{len(value)} caractères, {max_length} au plus"))
    return value


class Importer:
    def __init__(self, data: Any):
        self.data = data
        self.errors: list[str] = []
        self.departements = {d.code: d for d in Departement.objects.all()}
        self.federations = {
            o.slug: o for o in Organisation.objects.filter(kind=Organisation.Kind.FEDERATION)
        }
        self.categories = {c.slug: c for c in Category.objects.all()}
        self.themes = {t.slug: t for t in Theme.objects.all()}
        self.sectors = list(Sector.objects.all())
        self.known_sirens = set(Cooperative.objects.values_list("siren", flat=True))

    def error(self, where: str, label: str, key: str, message: str) -> None:
        name = f" (« {label[:50]} »)" if label else ""
        self.errors.append(f"{where}{name} — {key} : {message}.")

    def validate(self) -> tuple[list[dict], list[dict]]:
        if not isinstance(self.data, dict):
            raise ImportFailed(
                [
                    "Le fichier doit contenir un objet JSON avec les listes "
                    "« cooperatives » et « practices »."
                ]
            )
        unknown = set(self.data) - {"cooperatives", "practices"}
        if unknown:
            self.errors.append(f"Clés inconnues au premier niveau : {', '.join(sorted(unknown))}.")
        cooperatives = self._list("cooperatives")
        practices = self._list("practices")
        cleaned_cooperatives = [self._cooperative(i, r) for i, r in enumerate(cooperatives)]
        sirens = {c["siren"] for c in cleaned_cooperatives if c}
        cleaned_practices = [self._practice(i, r, sirens) for i, r in enumerate(practices)]
        if self.errors:
            raise ImportFailed(self.errors)
        return cleaned_cooperatives, cleaned_practices

    def _list(self, key: str) -> list:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            self.errors.append(f"« {key} » doit être une liste.")
            return []
        return value

    def _cooperative(self, index: int, record: Any) -> dict:
        where = f"cooperatives[{index}]"
        if not isinstance(record, dict):
            self.errors.append(f"{where} — doit être un objet.")
            return {}
        problems: list[tuple[str, str]] = []
        name = _text(record, "name", required=True, max_length=200, problems=problems)
        siren = normalise_siren(str(record.get("siren", "")))
        try:
            validate_siren(siren)
        except ValidationError as error:
            problems.append(("siren", " ".join(error.messages).rstrip(".")))
        choices = {
            "family": Cooperative.Family.values,
            "company_form": Cooperative.CompanyForm.values,
            "headcount": Cooperative.Headcount.values,
        }
        for key, allowed in choices.items():
            if record.get(key) not in allowed:
                problems.append(
                    (key, f"« {record.get(key)} » inconnu (attendu : {', '.join(allowed)})")
                )
        departement = self.departements.get(str(record.get("departement", "")))
        if departement is None:
            problems.append(("departement", f"département inconnu « {record.get('departement')} »"))
        naf_code = str(record.get("naf_code", "")).strip().upper()
        sector = self._sector(naf_code)
        if sector is None:
            problems.append(("naf_code", f"code NAF invalide « {naf_code} »"))
        year = record.get("founded_year")
        if not isinstance(year, int) or not 1830 <= year <= timezone.now().year:
            problems.append(("founded_year", f"année invalide « {year} »"))
        federation = None
        if record.get("federation"):
            federation = self.federations.get(str(record["federation"]))
            if federation is None:
                problems.append(("federation", f"fédération inconnue « {record['federation']} »"))
        website = _text(record, "website", required=False, max_length=200, problems=problems)
        if website and not _is_url(website):
            problems.append(("website", "adresse web invalide"))
        for key, message in problems:
            self.error(where, name, key, message)
        slug = record.get("slug") or slugify(name)[:200]
        if not isinstance(slug, str) or slugify(slug) != slug:
            self.error(where, name, "slug", "identifiant invalide")
        return {
            "siren": siren,
            "name": name,
            "slug": slug,
            "family": record.get("family"),
            "company_form": record.get("company_form"),
            "headcount": record.get("headcount"),
            "departement": departement,
            "union": departement.union if departement else None,
            "commune": _text(record, "commune", required=True, max_length=120, problems=[]),
            "naf_code": naf_code,
            "sector": sector,
            "founded_year": year,
            "federation": federation,
            "website": website,
            "description": _text(
                record, "description", required=False, max_length=None, problems=[]
            ),
        }

    def _sector(self, naf_code: str) -> Sector | None:
        if len(naf_code) != 6 or not (
            is_ascii_digits(naf_code[:2])
            and naf_code[2] == "."
            and is_ascii_digits(naf_code[3:5])
            and naf_code[5].isalpha()
        ):
            return None
        division = int(naf_code[:2])
        return next(
            (s for s in self.sectors if s.first_division <= division <= s.last_division), None
        )

    def _practice(self, index: int, record: Any, sirens: set[str]) -> dict:
        where = f"practices[{index}]"
        if not isinstance(record, dict):
            self.errors.append(f"{where} — doit être un objet.")
            return {}
        problems: list[tuple[str, str]] = []
        title = _text(record, "title", required=True, max_length=200, problems=problems)
        texts = {
            key: _text(record, key, required=key == "summary", max_length=limit, problems=problems)
            for key, limit in PRACTICE_TEXT_FIELDS.items()
        }
        category = self.categories.get(str(record.get("category")))
        if category is None:
            problems.append(("category", f"catégorie inconnue « {record.get('category')} »"))
        themes = self._strings(record, "themes", problems)
        for slug in themes:
            if slug not in self.themes:
                problems.append(("themes", f"thème inconnu « {slug} »"))
        tags = self._strings(record, "tags", problems)
        cooperatives = [normalise_siren(s) for s in self._strings(record, "cooperatives", problems)]
        if not cooperatives:
            problems.append(("cooperatives", "au moins une coopérative (SIREN) est obligatoire"))
        for siren in cooperatives:
            if siren not in sirens and siren not in self.known_sirens:
                problems.append(("cooperatives", f"SIREN « {siren} » inconnu"))
        status = record.get("status", Practice.Status.PUBLISHED)
        if status not in Practice.Status.values:
            problems.append(("status", f"état inconnu « {status} »"))
        visibility = record.get("visibility", Practice.Visibility.PUBLIC)
        if visibility not in Practice.Visibility.values:
            problems.append(("visibility", f"visibilité inconnue « {visibility} »"))
        published_at = self._date(record.get("published_at"), problems)
        if status == Practice.Status.PUBLISHED and published_at is None:
            published_at = timezone.now()
        started_year = record.get("started_year")
        if started_year is not None and (
            not isinstance(started_year, int) or not 1830 <= started_year <= 2100
        ):
            problems.append(("started_year", f"année invalide « {started_year} »"))
        contact = record.get("contact") or {}
        if not isinstance(contact, dict) or not all(
            isinstance(contact.get(key, ""), str) for key in ("name", "role", "email")
        ):
            problems.append(("contact", "doit être un objet {name, role, email} de textes"))
            contact = {}
        if contact.get("email"):
            try:
                validate_email(contact["email"])
            except ValidationError:
                problems.append(("contact.email", f"adresse invalide « {contact['email']} »"))
        links = record.get("links") or []
        if not isinstance(links, list):
            problems.append(("links", "doit être une liste"))
            links = []
        for position, link in enumerate(links):
            if not isinstance(link, dict) or not _is_url(str(link.get("url", ""))):
                problems.append((f"links[{position}]", "adresse web invalide"))
        slug = record.get("slug") or ""
        if not isinstance(slug, str) or (slug and slugify(slug) != slug):
            problems.append(("slug", "identifiant invalide (lettres minuscules, chiffres, tirets)"))
            slug = ""
        for key, message in problems:
            self.error(where, title, key, message)
        return {
            "title": title,
            "slug": slug,
            **texts,
            "category": category,
            "themes": themes,
            "tags": tags,
            "cooperatives": cooperatives,
            "status": status,
            "visibility": visibility,
            "published_at": published_at,
            "started_year": started_year,
            "contact": contact,
            "links": links,
        }

    def _strings(self, record: dict, key: str, problems: list[tuple[str, str]]) -> list[str]:
        value = record.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append((key, "doit être une liste de textes"))
            return []
        return [v.strip() for v in value if v.strip()]

    def _date(self, value: Any, problems: list[tuple[str, str]]) -> datetime.datetime | None:
        if value in (None, ""):
            return None
        try:
            day = datetime.date.fromisoformat(str(value))
        except ValueError:
            problems.append(("published_at", f"date invalide « {value} » (AAAA-MM-JJ)"))
            return None
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))

    @transaction.atomic
    def write(self, cooperatives: list[dict], practices: list[dict]) -> ImportReport:
        report = ImportReport()
        by_siren: dict[str, Cooperative] = {}
        for data in cooperatives:
            siren = data.pop("siren")
            cooperative, created = Cooperative.objects.update_or_create(
                siren=siren,
                defaults={
                    **data,
                    "slug": _free_slug(Cooperative, data["slug"], exclude_siren=siren),
                },
            )
            by_siren[siren] = cooperative
            report.cooperatives_created += created
            report.cooperatives_updated += not created
        for data in practices:
            created = self._write_practice(data, by_siren)
            report.practices_created += created
            report.practices_updated += not created
        return report

    def _write_practice(self, data: dict, by_siren: dict[str, Cooperative]) -> bool:
        contact = data.pop("contact")
        fields = {
            key: data[key]
            for key in [
                *PRACTICE_TEXT_FIELDS,
                "title",
                "category",
                "status",
                "visibility",
                "published_at",
                "started_year",
            ]
        }
        fields.update(
            contact_name=contact.get("name", ""),
            contact_role=contact.get("role", ""),
            contact_email=contact.get("email", ""),
        )
        practice = Practice.objects.filter(slug=data["slug"]).first() if data["slug"] else None
        created = practice is None
        if practice is None:
            practice = Practice(slug=data["slug"] or Practice.unique_slug(data["title"]))
        for key, value in fields.items():
            setattr(practice, key, value)
        practice.save()
        practice.themes.set([self.themes[slug] for slug in data["themes"]])
        practice.tags.set(
            [
                Tag.objects.get_or_create(slug=slugify(name)[:60], defaults={"name": name[:60]})[0]
                for name in data["tags"]
            ]
        )
        practice.cooperatives.set(
            [
                by_siren.get(siren) or Cooperative.objects.get(siren=siren)
                for siren in data["cooperatives"]
            ]
        )
        practice.links.all().delete()
        PracticeLink.objects.bulk_create(
            [
                PracticeLink(
                    practice=practice,
                    title=str(link.get("title") or link["url"])[:200],
                    url=link["url"],
                    position=position,
                )
                for position, link in enumerate(data["links"])
            ]
        )
        practice.reindex()
        return created


def _is_url(value: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


def _free_slug(model, slug: str, *, exclude_siren: str) -> str:
    base, candidate, counter = slug, slug, 2
    while model.objects.filter(slug=candidate).exclude(siren=exclude_siren).exists():
        candidate, counter = f"{base}-{counter}", counter + 1
    return candidate


def import_practices(raw: str | bytes, *, dry_run: bool = False) -> ImportReport:
    """Validate then write a JSON document; raises ImportFailed with every error found."""
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ImportFailed([f"JSON invalide : {error}."]) from error
    importer = Importer(data)
    cooperatives, practices = importer.validate()
    if dry_run:
        return ImportReport(
            cooperatives_created=len(cooperatives), practices_created=len(practices)
        )
    return importer.write(cooperatives, practices)
