"""Plain factory functions for the network."""

import itertools

from observatoire.lib.identifiers import siren_with_checksum
from observatoire.network.models import Cooperative, Departement, Organisation, Sector

_counter = itertools.count(1)


def make_cooperative(**fields) -> Cooperative:
    number = next(_counter)
    departement = fields.pop("departement", None) or Departement.objects.get(code="69")
    naf_code = fields.pop("naf_code", "62.01Z")
    defaults = {
        "name": f"Coopérative d'essai {number}",
        "slug": f"cooperative-essai-{number}",
        "family": Cooperative.Family.SCOP,
        "company_form": Cooperative.CompanyForm.SARL,
        "siren": siren_with_checksum(f"{80000000 + number:08d}"),
        "commune": "Lyon",
        "headcount": Cooperative.Headcount.FROM_10_TO_19,
        "founded_year": 2010,
    }
    defaults.update(fields)
    sector = Sector.for_naf_code(naf_code)
    assert sector is not None, naf_code
    return Cooperative.objects.create(
        departement=departement,
        union=fields.get("union") or departement.union,
        naf_code=naf_code,
        sector=sector,
        **{k: v for k, v in defaults.items() if k != "union"},
    )


def union(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)
