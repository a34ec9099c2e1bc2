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
