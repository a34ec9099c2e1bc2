"""SIREN and SIRET validation (9 and 14 digits, Luhn checksum)."""

import pytest
from django.core.exceptions import ValidationError

from observatoire.lib.identifiers import siren_with_checksum, validate_siren, validate_siret


@pytest.mark.parametrize("siren", ["732829320", "552 100 554", "443061841"])
def test_valid_sirens(siren):
    validate_siren(siren)


@pytest.mark.parametrize(
    "siren, message",
    [
        ("732829321", "clé de contrôle"),
        ("12345678", "9 chiffres"),
        ("abcdefghi", "9 chiffres"),
        ("", "9 chiffres"),
        ("7328293200", "9 chiffres"),
    ],
)
def test_invalid_sirens_say_why_in_french(siren, message):
    with pytest.raises(ValidationError, match=message):
        validate_siren(siren)


def test_siret():
    validate_siret("73282932000074")
    with pytest.raises(ValidationError):
        validate_siret("73282932000075")


def test_generated_sirens_are_valid():
    for number in range(100):
        validate_siren(siren_with_checksum(f"{10000000 + number * 7919:08d}"))


def test_la_poste_sirets_are_checked_by_the_sum_of_their_digits():
    validate_siret("35600000000048")  # La Poste's head office, Luhn-valid
    validate_siret("35600000010000")  # not Luhn-valid, digits summing to 15
    with pytest.raises(ValidationError):
        validate_siret("35600000010001")


def test_generated_sirets_are_valid_and_belong_to_their_siren():
    from observatoire.lib.identifiers import siret_with_checksum

    siren = siren_with_checksum("73282932")
    for establishment in (1, 10, 400):
        siret = siret_with_checksum(siren, establishment)
        validate_siret(siret)
        assert siret.startswith(siren) and len(siret) == 14


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("12345", "14 chiffres"),
        ("7328293200007A", "14 chiffres"),
        ("73282932000075", "clé de contrôle"),
        ("35600000000048", "commence par le SIREN"),
    ],
)
def test_a_wrong_head_office_siret_is_explained_in_french(siret, message):
    from observatoire.network.tests.factories import make_cooperative

    cooperative = make_cooperative(siren="732829320")
    cooperative.siret = siret
    with pytest.raises(ValidationError) as refused:
        cooperative.full_clean()
    assert message in str(refused.value.message_dict["siret"])


def test_the_sous_classes_of_a_section_are_real_codes():
    from observatoire.network import naf

    construction = naf.codes_in("F")
    assert "43.32A" in construction and "62.01Z" not in construction
    assert all(naf.section(code) == "F" and naf.label(code) for code in construction)
    assert naf.codes_in("Z") == []
