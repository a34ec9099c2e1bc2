"""Cooperatives imported from an extract of the SIRENE register: all or nothing, with a report."""

import csv
import datetime
import io
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from observatoire.accounts.models import Role
from observatoire.accounts.tests.factories import make_user
from observatoire.lib.identifiers import siren_with_checksum, siret_with_checksum
from observatoire.network import geocoding
from observatoire.network.models import (
    Cooperative,
    CooperativeFacet,
    CooperativeVersion,
    Departement,
    LocationPrecision,
)
from observatoire.network.sirene import POINT, import_cooperatives
from observatoire.network.sirene_file import COMMUNE_CODE, POSTCODE
from observatoire.network.tests.factories import make_cooperative

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "sirene_extrait.csv"
TODAY = datetime.date(2026, 3, 1)
CANUTS, NANTES, GRENOBLE, RENNES = "500011119", "500022223", "500044441", "500055553"
LILLE, BORDEAUX, PARIS = "500066667", "500077771", "500088885"


def sample_rows() -> list[dict]:
    with SAMPLE.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def as_csv(rows: list[dict], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def run(data: bytes, **options):
    return import_cooperatives(data, today=TODAY, **options)


def test_the_sample_creates_its_head_offices_and_skips_the_other_establishments():
    report = run(SAMPLE.read_bytes())
    assert report.errors == []
    assert (report.lines, report.created, report.updated, report.skipped) == (10, 9, 0, 1)
    assert report.closed == 2
    assert Cooperative.objects.count() == 9

    canuts = Cooperative.objects.get(siren=CANUTS)
    assert canuts.name == "MENUISERIE DES CANUTS"
    assert canuts.slug == f"menuiserie-des-canuts-{CANUTS}"
    assert (canuts.family, canuts.company_form) == ("scop", "sarl")
    assert canuts.siret == "50001111900012"  # the head office's, not the secondary one's
    assert canuts.address == "12 RUE DES CANUTS"
    # An arrondissement's code leads to the commune; the postcode stays the address's.
    assert (canuts.commune, canuts.commune_code, canuts.postcode) == ("Lyon", "69123", "69004")
    assert canuts.departement.code == "69" and canuts.union == canuts.departement.union
    assert canuts.location_precision == LocationPrecision.COMMUNE and canuts.latitude
    assert (canuts.naf_code, canuts.sector.code) == ("43.32A", "F")
    assert (canuts.headcount, canuts.founded_year, canuts.closed_on) == ("10-19", 1982, None)

    nantes = Cooperative.objects.get(siren=NANTES)
    assert (nantes.family, nantes.company_form, nantes.headcount) == ("scop", "sa", "20-49")
    assert nantes.address == "3 BIS AVENUE DE LA LIBERATION, BATIMENT B"
    grenoble = Cooperative.objects.get(siren=GRENOBLE)
    assert (grenoble.family, grenoble.company_form, grenoble.headcount) == ("scic", "sas", "5-9")
    rennes = Cooperative.objects.get(siren=RENNES)  # no INSEE code: postcode and name
    assert (rennes.family, rennes.commune_code) == ("cae", "35238")
    assert Cooperative.objects.get(siren=PARIS).address == "101 TER QUAI DE JEMMAPES"
    # Closed: flagged with the date the register gives, never deleted.
    assert Cooperative.objects.get(siren=LILLE).closed_on == datetime.date(2024, 6, 30)
    bordeaux = Cooperative.objects.get(siren=BORDEAUX)
    assert bordeaux.closed_on == datetime.date(2023, 12, 31)
    assert bordeaux.headcount == "0-4"  # no band: a new one starts there

    # One version each, by nobody; the directory's index rebuilt.
    version = CooperativeVersion.objects.get(cooperative=canuts)
    assert (version.number, version.author) == (1, None)
    assert {"name", "family", "commune", "naf_code", "headcount"} <= set(version.changed)
    assert version.data["name"] == "MENUISERIE DES CANUTS"
    assert CooperativeVersion.objects.count() == 9
    canuts.refresh_from_db()
    assert canuts.sort_name and "ur:" in " ".join(canuts.tokens)
    assert CooperativeFacet.objects.filter(cooperative=canuts).exists()


def test_a_dry_run_counts_and_writes_nothing():
    report = run(SAMPLE.read_bytes(), dry_run=True)
    assert (report.created, report.closed, report.skipped, report.errors) == (9, 2, 1, [])
    assert "rien n'a été écrit" in report.summary()[0]
    assert not Cooperative.objects.exists() and not CooperativeVersion.objects.exists()


def test_importing_again_changes_nothing():
    run(SAMPLE.read_bytes())
    report = run(SAMPLE.read_bytes())
    assert (report.created, report.updated, report.unchanged) == (0, 0, 9)
    assert CooperativeVersion.objects.count() == 9


def test_a_known_cooperative_is_updated_and_what_a_person_edited_is_kept():
    editor = make_user(role=Role.ADMINISTRATOR)
    known = make_cooperative(
        siren=CANUTS, name="Menuiserie des Canuts", slug="menuiserie-des-canuts", commune="Lyon"
    )
    known.place_exactly(latitude=45.77, longitude=4.83)
    CooperativeVersion.objects.create(cooperative=known, number=1, data={}, changed=[])
    CooperativeVersion.objects.create(
        cooperative=known,
        number=2,
        author=editor,
        data={},
        changed=["latitude", "longitude", "location_precision", "description"],
    )
    report = run(SAMPLE.read_bytes())
    assert (report.created, report.updated) == (8, 1)
    known.refresh_from_db()
    assert known.name == "MENUISERIE DES CANUTS" and known.slug == "menuiserie-des-canuts"
    assert (known.latitude, known.location_precision) == (45.77, LocationPrecision.EXACT)
    [kept] = report.kept
    assert (kept.line, kept.siren, kept.fields) == (2, CANUTS, list(POINT))
    assert "gardé : latitude, longitude, précision de la position" in "\n".join(report.summary())
    version = known.versions.get(number=3)
    assert version.author is None and "name" in version.changed
    assert "latitude" not in version.changed

    report = run(SAMPLE.read_bytes(), overwrite=True)
    known.refresh_from_db()
    assert known.location_precision == LocationPrecision.COMMUNE and known.latitude != 45.77
    assert report.kept == [] and known.versions.get(number=4).changed == [
        "latitude",
        "longitude",
        "location_precision",
    ]


def test_a_first_import_over_a_cooperative_keeps_its_page_before_as_version_1():
    known = make_cooperative(siren=NANTES, family=Cooperative.Family.CAE)
    run(SAMPLE.read_bytes())
    versions = list(known.versions.order_by("number"))
    assert [(v.number, v.changed) for v in versions][0] == (1, [])
    assert versions[0].data["commune"] == "Lyon" and versions[1].data["commune"] == "Nantes"
    known.refresh_from_db()
    assert known.family == "cae"  # the register cannot tell a CAE from a Scop


def test_the_history_says_the_import_changed_the_register_fields(client):
    known = make_cooperative(siren=NANTES, commune="Lyon")
    run(SAMPLE.read_bytes())
    client.force_login(make_user(role=Role.ADMINISTRATOR))
    history = client.get(reverse("directory:cooperative_history", args=[known.slug]))
    text = history.content.decode()
    print("STATUS", history.status_code, text[text.find("<main") :][:3000])
    assert "l'import du registre SIRENE" in text
    assert "<dt>Commune</dt><dd>Nantes</dd>" in text  # the model's name of the field
    assert "<dt>Code INSEE de la commune</dt><dd>44109</dd>" in text
    assert "<dt>Forme de société</dt><dd>SA</dd>" in text  # a choice's label, not its key
    assert (
        "<dt>Union régionale</dt><dd>Union régionale des Scop et des Scic de l&#x27;Ouest" in text
    )


def test_closed_then_active_again_and_the_import_date_when_the_register_gives_none():
    rows = sample_rows()
    for row in rows:
        if row["siren"] == NANTES:
            row.update(etatAdministratifEtablissement="F", dateDebut="")
    run(as_csv(rows))
    assert Cooperative.objects.get(siren=NANTES).closed_on == TODAY
    report = run(SAMPLE.read_bytes())
    assert report.reopened == 1 and report.updated == 1
    assert Cooperative.objects.get(siren=NANTES).closed_on is None


def test_the_family_of_a_scic_comes_from_the_file_or_the_import():
    rows = [{k: v for k, v in row.items() if k != "famille"} for row in sample_rows()]
    report = run(as_csv(rows))
    assert report.errors == [
        "ligne 5, famille : famille inconnue pour une nouvelle coopérative (ajoutez une "
        "colonne famille : scop, scic ou cae, ou choisissez-la pour tout le fichier).",
        "ligne 6, famille : famille inconnue pour une nouvelle coopérative (ajoutez une "
        "colonne famille : scop, scic ou cae, ou choisissez-la pour tout le fichier).",
        "ligne 10, famille : famille inconnue pour une nouvelle coopérative (ajoutez une "
        "colonne famille : scop, scic ou cae, ou choisissez-la pour tout le fichier).",
    ]
    assert not Cooperative.objects.exists()
    assert run(as_csv(rows), family="scic").created == 9
    assert Cooperative.objects.get(siren=GRENOBLE).family == "scic"


def test_every_bad_line_is_named_and_nothing_is_written():
    rows = sample_rows()
    rows[5]["siren"] = "123456789"  # line 7
    other_siret = siret_with_checksum(siren_with_checksum("12345678"), 1)
    rows[1]["siret"] = other_siret  # line 3
    rows[2].update(codeCommuneEtablissement="99999", codePostalEtablissement="99999")  # line 4
    rows[3]["denominationUniteLegale"] = "x" * 10_000  # line 5
    rows[4]["dateCreationEtablissement"] = "2010-13-45"  # line 6
    rows[8]["activitePrincipaleEtablissement"] = "99.99Z"  # line 10
    rows[9]["categorieJuridiqueUniteLegale"] = "9220"  # line 11
    rows.append(dict(rows[0]))  # line 12: the same SIREN again
    errors = run(as_csv(rows)).errors
    assert errors == [
        f"ligne 3, siret : « {other_siret} » ne commence pas par le SIREN « 500022223 ».",
        "ligne 4, codeCommuneEtablissement : commune « 99999 » inconnue.",
        "ligne 5, denominationUniteLegale : 10000 caractères, 250 au plus.",
        "ligne 6, dateCreationEtablissement : « 2010-13-45 » n'est pas une date (AAAA-MM-JJ).",
        "ligne 7, siren : « 123456789 » n'est pas un SIREN valide (clé de contrôle).",
        "ligne 10, activitePrincipaleEtablissement : « 99.99Z » n'est pas un code de la NAF "
        "rév. 2 (comme 43.32A).",
        "ligne 11, categorieJuridiqueUniteLegale : catégorie juridique 9220 : pas une forme "
        "coopérative connue (data/categories_juridiques.csv).",
        "ligne 12, siren : « 500011119 » figure déjà ligne 2.",
    ]
    assert not Cooperative.objects.exists() and not CooperativeVersion.objects.exists()


def test_missing_columns_are_named_once():
    rows = [
        {k: v for k, v in row.items() if k not in ("siren", COMMUNE_CODE, POSTCODE)}
        for row in sample_rows()
    ]
    assert run(as_csv(rows)).errors == [
        "Colonnes obligatoires absentes : siren, codeCommuneEtablissement ou "
        "(codePostalEtablissement et libelleCommuneEtablissement)."
    ]


def test_semicolons_windows_1252_and_a_bom_are_read():
    rows = sample_rows()
    rows[0]["denominationUniteLegale"] = "COOPÉRATIVE DES CANUTS"
    assert run(as_csv(rows, delimiter=";", encoding="cp1252")).errors == []
    assert Cooperative.objects.get(siren=CANUTS).name == "COOPÉRATIVE DES CANUTS"
    rows[0]["denominationUniteLegale"] = "COOPÉRATIVE DES CANUTS ÉTÉ"
    report = run(as_csv(rows, encoding="utf-8-sig"))
    assert (report.errors, report.updated) == ([], 1)
    assert Cooperative.objects.get(siren=CANUTS).name == "COOPÉRATIVE DES CANUTS ÉTÉ"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "Le fichier est vide."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Ce fichier n'est pas un fichier CSV"),
        (SAMPLE.read_bytes().split(b"\n")[0] + b"\n", "aucune ligne après l'en-tête"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "Colonnes obligatoires absentes"),
    ],
)
def test_a_file_that_is_not_an_extract_is_refused(data, error):
    report = run(data)
    assert len(report.errors) == 1 and error in report.errors[0]


def test_the_command_prints_the_report_and_fails_on_errors(tmp_path, capsys):
    call_command("importcooperatives", str(SAMPLE), "--dry-run")
    assert "Coopératives créées : 9" in capsys.readouterr().out
    assert not Cooperative.objects.exists()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(SAMPLE.read_bytes().replace(b"500099999,", b"500099998,", 1))
    with pytest.raises(CommandError, match="1 erreur"):
        call_command("importcooperatives", str(bad))
    assert "ligne 11, siren" in capsys.readouterr().err
    call_command("importcooperatives", str(SAMPLE), "--famille", "scop", verbosity=0)
    assert Cooperative.objects.count() == 9


def generated(count: int, *, first: int = 0) -> bytes:
    """A clean extract of ``count`` head offices in real communes (SIREN from ``first``)."""
    communes = [c for c in geocoding._index().by_code.values() if c.placed][:2000]
    departements = set(Departement.objects.values_list("code", flat=True))
    communes = [c for c in communes if c.departement in departements]
    header = SAMPLE.read_text(encoding="utf-8").split("\n")[0]
    lines = [header]
    template = sample_rows()[0]
    for number in range(first, first + count):
        siren = siren_with_checksum(f"{70000000 + number:08d}")
        commune = communes[number % len(communes)]
        row = {
            **template,
            "siren": siren,
            "nic": "00011",
            "siret": siret_with_checksum(siren, 1),
            "denominationUniteLegale": f"COOPERATIVE NUMERO {number}",
            "codeCommuneEtablissement": commune.code,
            "codePostalEtablissement": commune.postcodes[0] if commune.postcodes else "",
            "libelleCommuneEtablissement": commune.name.upper(),
        }
        lines.append(",".join(f'"{row[k]}"' if "," in row[k] else row[k] for k in row))
    return ("\n".join(lines) + "\n").encode()


def test_a_few_thousand_lines_are_imported_quickly():
    data = generated(2000)
    start = time.monotonic()
    report = run(data)
    elapsed = time.monotonic() - start
    assert report.errors == [] and report.created == 2000
    assert Cooperative.objects.count() == 2000
    assert elapsed < 25, elapsed
    # Many changed: the directory's index rebuilt at once, every one listed.
    assert CooperativeFacet.objects.values("cooperative").distinct().count() == 2000


def queries_of(data: bytes) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = run(data)
    assert report.errors == []
    return len(queries)


def test_the_queries_do_not_grow_with_the_lines():
    """Written in batches, each cooperative's index with it: no query a line, new or known."""
    ten, fifty = queries_of(generated(10)), queries_of(generated(50, first=100))
    # Only the counts' upserts may take a statement more (2,000 rows each, search/facets.py).
    assert ten <= fifty <= ten + 3, (ten, fifty)
    renamed = {
        first: generated(count, first=first).replace(b"COOPERATIVE NUMERO", b"SCOP NUMERO")
        for first, count in ((0, 10), (100, 50))
    }
    ten, fifty = queries_of(renamed[0]), queries_of(renamed[100])
    assert ten <= fifty <= ten + 3, (ten, fifty)
    assert Cooperative.objects.filter(name__startswith="SCOP NUMERO").count() == 60


def test_progress_is_shown_while_checking_and_while_writing(tmp_path, capsys):
    shown = []

    def progress(items, total, label):
        done = 0
        for item in items:
            done += 1
            yield item
        shown.append((label, done, total))

    run(SAMPLE.read_bytes(), dry_run=True, progress=progress)
    assert shown == [("Vérification des lignes", 10, 10)]
    shown.clear()
    run(SAMPLE.read_bytes(), progress=progress)
    assert shown == [("Vérification des lignes", 10, 10), ("Écriture des coopératives", 9, 9)]
    # In a log rather than a terminal, plain lines at every tenth of each step.
    Cooperative.objects.all().delete()
    call_command("importcooperatives", str(SAMPLE), verbosity=2)
    out = capsys.readouterr().out
    assert "Vérification des lignes : 10 / 10" in out
    assert "Écriture des coopératives : 9 / 9" in out


# The admin page


def upload(content: bytes, name: str = "extrait.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_staff_upload_an_extract_from_the_admin(client, administrator):
    client.force_login(administrator)
    changelist = client.get(reverse("admin:network_cooperative_changelist"))
    url = reverse("admin:network_cooperative_import_sirene")
    assert url in changelist.content.decode()
    assert client.get(url).status_code == 200

    response = client.post(url, {"file": upload(SAMPLE.read_bytes()), "dry_run": "on"})
    assert response.status_code == 200
    assert "Coopératives créées : 9" in response.content.decode()
    assert not Cooperative.objects.exists()

    response = client.post(url, {"file": upload(SAMPLE.read_bytes())})
    assert "Import terminé" in response.content.decode()
    assert Cooperative.objects.count() == 9


def test_the_admin_page_says_what_is_wrong_with_a_file(client, administrator):
    client.force_login(administrator)
    url = reverse("admin:network_cooperative_import_sirene")
    response = client.post(url, {"file": upload(b"\x00\x01\x02binaire", "photo.png")})
    assert response.status_code == 200
    assert "pas un fichier CSV" in response.content.decode()
    response = client.post(url, {"file": upload(b"\xff\xfe\x81\x8d\x8f\x90\x9d")})
    assert response.status_code == 200 and "Import refusé" in response.content.decode()


def test_the_admin_page_needs_the_permission_to_add_cooperatives(client):
    staff = make_user(role=Role.PERMANENT, is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("admin:network_cooperative_import_sirene"))
    assert response.status_code == 403
