"""importpractices: the documented JSON format, all or nothing, with a report per record."""

import json

import pytest
from django.core.management import CommandError, call_command

from observatoire.network.models import Cooperative
from observatoire.practices.importer import ImportFailed, import_practices
from observatoire.practices.models import Practice

pytestmark = pytest.mark.django_db

COOPERATIVE = {
    "siren": "732829320",
    "name": "Atelier du Bois Partagé",
    "family": "scop",
    "company_form": "sarl",
    "departement": "69",
    "commune": "Villeurbanne",
    "naf_code": "16.23Z",
    "headcount": "10-19",
    "founded_year": 2008,
    "federation": "federation-industrie",
}
PRACTICE = {
    "title": "Un parcours d'accueil des nouveaux associés",
    "summary": "Six mois pour devenir associé·e.",
    "category": "un-vecu",
    "themes": ["integration-nouveaux-associes"],
    "tags": ["parrainage"],
    "cooperatives": ["732829320"],
    "published_at": "2024-05-14",
    "links": [{"title": "Guide", "url": "https://www.les-scop.coop/guide"}],
    "contact": {"name": "Inès", "role": "gérante", "email": "ines@bois.coop"},
}


def document(cooperatives=None, practices=None) -> bytes:
    return json.dumps(
        {
            "cooperatives": cooperatives if cooperatives is not None else [COOPERATIVE],
            "practices": practices if practices is not None else [PRACTICE],
        }
    ).encode()


def test_imports_cooperatives_and_practices(client):
    report = import_practices(document())
    assert (report.cooperatives_created, report.practices_created) == (1, 1)
    cooperative = Cooperative.objects.get(siren="732829320")
    assert cooperative.union.slug == "ur-auvergne-rhone-alpes"
    assert cooperative.sector.code == "C"
    practice = Practice.objects.get(title=PRACTICE["title"])
    assert practice.status == Practice.Status.PUBLISHED
    assert list(practice.cooperatives.all()) == [cooperative]
    assert practice.links.get().url == "https://www.les-scop.coop/guide"
    response = client.get("/pratiques/", {"q": "parrainage"})
    assert PRACTICE["title"] in response.content.decode().replace("&#x27;", "'")


def test_reimport_updates_instead_of_duplicating():
    import_practices(document())
    changed = {**PRACTICE, "slug": Practice.objects.get().slug, "summary": "Nouveau résumé."}
    report = import_practices(document(practices=[changed]))
    assert report.practices_updated == 1
    assert Practice.objects.get().summary == "Nouveau résumé."
    assert Cooperative.objects.count() == 1


def test_one_bad_record_writes_nothing_and_names_every_fault():
    bad_cooperative = {
        **COOPERATIVE,
        "siren": "123456789",
        "family": "sarl",
        "departement": "00",
        "naf_code": "6201Z",
    }
    bad_practice = {
        **PRACTICE,
        "category": "inconnue",
        "themes": ["n-existe-pas"],
        "cooperatives": ["999999999"],
        "published_at": "14/05/2024",
    }
    with pytest.raises(ImportFailed) as failure:
        import_practices(
            document(
                cooperatives=[COOPERATIVE, bad_cooperative], practices=[PRACTICE, bad_practice]
            )
        )
    report = "\n".join(failure.value.errors)
    for expected in [
        "cooperatives[1]",
        "siren",
        "family",
        "departement",
        "naf_code",
        "practices[1]",
        "category",
        "themes",
        "cooperatives : SIREN « 999999999 »",
        "published_at",
    ]:
        assert expected in report, expected
    assert "cooperatives[0]" not in report and "practices[0]" not in report
    assert Cooperative.objects.filter(siren="732829320").count() == 0
    assert Practice.objects.count() == 0


@pytest.mark.parametrize(
    "raw", [b"", b"{", b"[]", b'"texte"', b"\xff\xfe", b'{"practices": {}}', b'{"practices": [42]}']
)
def test_malformed_files_are_refused_cleanly(raw):
    with pytest.raises(ImportFailed):
        import_practices(raw)
    assert Practice.objects.count() == 0


def test_missing_required_fields_are_reported():
    with pytest.raises(ImportFailed) as failure:
        import_practices(document(practices=[{"category": "un-vecu"}]))
    report = "\n".join(failure.value.errors)
    assert "title : obligatoire" in report and "summary : obligatoire" in report
    assert "cooperatives : au moins une" in report


def test_command_reports_and_exits_with_error(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_bytes(document(practices=[{**PRACTICE, "category": "x"}]))
    with pytest.raises(CommandError, match="rien n'a été écrit"):
        call_command("importpractices", str(path))
    assert "practices[0]" in capsys.readouterr().err


def test_command_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "good.json"
    path.write_bytes(document())
    call_command("importpractices", str(path), "--dry-run")
    assert Practice.objects.count() == 0
    call_command("importpractices", str(path))
    assert Practice.objects.count() == 1


def test_command_missing_file(tmp_path):
    with pytest.raises(CommandError, match="introuvable"):
        call_command("importpractices", str(tmp_path / "absent.json"))


@pytest.mark.parametrize(
    "field, value",
    [
        ("category", ["un-vecu"]),
        ("category", {"a": 1}),
        ("themes", "gouvernance"),
        ("tags", [1, 2]),
        ("cooperatives", "732829320"),
        ("contact", {"name": ["x"]}),
        ("links", [{"url": "javascript:alert(1)"}]),
        ("slug", ["x"]),
        ("slug", "Pas Un Slug"),
        ("status", ["published"]),
        ("visibility", "secret"),
        ("started_year", "2020"),
        ("published_at", "2024-13-45"),
        ("summary", 42),
        ("title", None),
    ],
)
def test_wrong_types_are_reported_not_crashing(field, value):
    with pytest.raises(ImportFailed) as failure:
        import_practices(document(practices=[{**PRACTICE, field: value}]))
    assert field in "\n".join(failure.value.errors)
    assert Practice.objects.count() == 0


@pytest.mark.parametrize(
    "field, value",
    [
        ("federation", ["x"]),
        ("family", ["scop"]),
        ("departement", {"x": 1}),
        ("founded_year", "2008"),
        ("founded_year", 3000),
        ("website", "pas une adresse"),
        ("naf_code", None),
        ("name", ""),
    ],
)
def test_wrong_cooperative_fields_are_reported(field, value):
    with pytest.raises(ImportFailed) as failure:
        import_practices(document(cooperatives=[{**COOPERATIVE, field: value}]))
    assert field in "\n".join(failure.value.errors)
    assert Cooperative.objects.count() == 0
