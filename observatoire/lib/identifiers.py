"""French company identifiers: SIREN (9 digits) and SIRET (14 digits), both Luhn-checked."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from observatoire.lib.numbers import is_ascii_digits


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_siren(value: str) -> str:
    return "".join(value.split())


def validate_siren(value: str) -> None:
    """A SIREN is 9 digits whose Luhn checksum is valid (INSEE)."""
    siren = normalise_siren(value)
    if len(siren) != 9 or not is_ascii_digits(siren):
        raise ValidationError(_("Un SIREN comporte exactement 9 chiffres."), code="siren_format")
    if not luhn_is_valid(siren):
        raise ValidationError(
            _("Ce SIREN n'est pas valide (la clé de contrôle ne correspond pas)."),
            code="siren_checksum",
        )


# La Poste's establishments share one SIREN; their SIRETs are checked by the sum of their
# digits, a multiple of 5, instead of Luhn (INSEE); its head office's is Luhn-valid too.
LA_POSTE_SIREN = "356000000"


def validate_siret(value: str) -> None:
    """A SIRET is the SIREN followed by 5 digits, the whole Luhn-valid (La Poste aside)."""
    siret = normalise_siren(value)
    if len(siret) != 14 or not is_ascii_digits(siret):
        raise ValidationError(_("Un SIRET comporte exactement 14 chiffres."), code="siret_format")
    validate_siren(siret[:9])
    if siret[:9] == LA_POSTE_SIREN:
        valid = luhn_is_valid(siret) or sum(int(digit) for digit in siret) % 5 == 0
    else:
        valid = luhn_is_valid(siret)
    if not valid:
        raise ValidationError(
            _("Ce SIRET n'est pas valide (la clé de contrôle ne correspond pas)."),
            code="siret_checksum",
        )


def siren_with_checksum(eight_digits: str) -> str:
    """Complete eight digits into a valid SIREN (used by the data generator)."""
    for last in "0123456789":
        if luhn_is_valid(eight_digits + last):
            return eight_digits + last
    raise ValueError(eight_digits)


def siret_with_checksum(siren: str, establishment: int) -> str:
    """A valid SIRET of that SIREN (used by the data generator): the establishment's number on
    four digits, then the digit that makes the whole Luhn-valid."""
    for last in "0123456789":
        siret = f"{siren}{establishment:04d}{last}"
        if luhn_is_valid(siret):
            return siret
    raise ValueError(siren)
