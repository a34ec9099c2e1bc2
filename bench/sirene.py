"""A synthetic extract of the SIRENE register, to time ``manage.py importcooperatives``.

    python bench/sirene.py 100000 /tmp/imp/100k.csv [--seed 42]

The same columns and format as the extract the tests read (INSEE's StockEtablissement names,
observatoire/network/tests/data/sirene_extrait.csv): Luhn-valid SIREN and SIRET, legal
categories of data/categories_juridiques.csv, real communes of the network's départements
(data/communes.json.gz, big towns more often), NAF sous-classes of data/naf.json, INSEE's
headcount bands and street types, about 7 % closed and 8 % secondary establishments (lines
that the import counts and skips). The same seed writes the same file. Needs no Django.
"""

import argparse
import csv
import gzip
import itertools
import json
import random
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "observatoire" / "network" / "tests" / "data" / "sirene_extrait.csv"
FIXTURE = ROOT / "observatoire" / "network" / "fixtures" / "network.json"

BANDS = ["NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41", ""]
BAND_WEIGHTS = [6, 10, 20, 18, 14, 12, 8, 5, 3, 1, 1, 0.5, 6]
STREET_TYPES = ["RUE", "AV", "BD", "CHE", "PL", "IMP", "ALL", "RTE", "QUAI", "ZA", "ZI", "LD"]
STREET_WEIGHTS = [40, 15, 8, 8, 6, 5, 4, 6, 2, 3, 2, 1]
STREETS = [
    "DE LA REPUBLIQUE",
    "VICTOR HUGO",
    "JEAN JAURES",
    "DE LA GARE",
    "DU GENERAL DE GAULLE",
    "PASTEUR",
    "DES ECOLES",
    "DU MOULIN",
    "DE L'EGLISE",
    "DES TISSERANDS",
    "DE LA LIBERATION",
    "DU PORT",
    "DES ARTISANS",
    "LOUISE MICHEL",
    "DES CANUTS",
    "DU STADE",
    "DES VIGNES",
    "DE LA PAIX",
    "GAMBETTA",
    "DES LILAS",
]
ACTIVITIES = [
    "MENUISERIE",
    "ATELIER",
    "BATISSEURS",
    "IMPRIMERIE",
    "TRANSPORTS",
    "BUREAU D'ETUDES",
    "INFORMATIQUE",
    "BOULANGERIE",
    "EDITIONS",
    "ENERGIES",
    "CHARPENTE",
    "PLOMBERIE",
    "CONSEIL",
    "FORMATION",
    "TRAVAUX PUBLICS",
    "ELECTRICITE",
    "PAYSAGES",
    "RESTAURANT",
    "LIBRAIRIE",
    "TISSAGE",
    "COUVERTURE",
    "TRADUCTIONS",
    "AMBULANCES",
    "NETTOYAGE",
]
NAMES = [
    "MARTIN",
    "BERNARD",
    "DUBOIS",
    "THOMAS",
    "ROBERT",
    "RICHARD",
    "PETIT",
    "DURAND",
    "LEROY",
    "MOREAU",
    "SIMON",
    "LAURENT",
    "LEFEBVRE",
    "MICHEL",
    "GARCIA",
    "DAVID",
    "BERTRAND",
    "ROUX",
    "VINCENT",
    "FOURNIER",
    "MOREL",
    "GIRARD",
    "ANDRE",
    "MERCIER",
    "BLANC",
    "GUERIN",
    "BOYER",
    "GARNIER",
    "CHEVALIER",
    "FRANCOIS",
]
WORDS = ["COOPERATIVE", "SCOP", "SCIC", "LES", "ASSOCIES", "DU", "DE LA", "OUVRIERE", "SOLIDAIRE"]
# Most lines are Scop categories; the others are told by the famille column, or left to the
# import's default.
FAMILIES = ["", "", "", "scic", "cae"]


def luhn_key(digits: str) -> str:
    """The digit that makes ``digits`` + it Luhn-valid."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:  # doubled once the key is appended
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return str(-total % 10)


def ascii_upper(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return folded.upper().replace("-", " ")


def reference() -> tuple[list[str], list[list], list[str], list[str]]:
    """The header, the communes of the network's départements, NAF sous-classes and the legal
    categories."""
    header = SAMPLE.read_text(encoding="utf-8").split("\n", 1)[0].strip().split(",")
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    departements = {
        row["fields"]["code"] for row in fixture if row["model"] == "network.departement"
    }
    communes = [
        row
        for row in json.loads(gzip.decompress((ROOT / "data" / "communes.json.gz").read_bytes()))
        if row[2] in departements and row[4] and row[6] is not None
    ]
    labels = json.loads((ROOT / "data" / "naf.json").read_text(encoding="utf-8"))["labels"]
    codes = [code for code in labels if len(code) == 6]
    with (ROOT / "data" / "categories_juridiques.csv").open(encoding="utf-8") as file:
        categories = [row["code"] for row in csv.DictReader(file)]
    return header, communes, codes, categories


def name(rng: random.Random, commune: str) -> str:
    activity = rng.choice(ACTIVITIES)
    shape = rng.random()
    if shape < 0.35:
        return f"{activity} {rng.choice(NAMES)}"
    if shape < 0.7:
        return f"{rng.choice(WORDS)} {activity} DE {commune}"
    if shape < 0.9:
        return f"{activity} {rng.choice(NAMES)} ET {rng.choice(NAMES)}"
    return f"{rng.choice(WORDS)} {activity} {rng.randrange(1, 100)}"


def date(rng: random.Random, first: int, last: int) -> str:
    return f"{rng.randint(first, last)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def lines(count: int, seed: int):
    """``count`` rows (dicts of the header's columns)."""
    rng = random.Random(seed)
    header, communes, naf_codes, categories = reference()
    # Big towns have many postcodes; the weights summed once (a choice among 35,000 communes).
    weights = list(itertools.accumulate(len(commune[4]) ** 2 for commune in communes))
    scop = [code for code in categories if code in ("5458", "5558", "5658")]
    others = [code for code in categories if code not in scop]
    sirens = rng.sample(range(10_000_000, 100_000_000), count)
    head: dict | None = None
    for number in range(count):
        if head is not None and rng.random() < 0.08:  # a secondary establishment of the last one
            row = dict(head)
            nic = f"{rng.randrange(2, 9999):04d}"
            row.update(
                nic=nic + luhn_key(row["siren"] + nic),
                etablissementSiege="false",
                numeroVoieEtablissement=str(rng.randrange(1, 200)),
            )
            row["siret"] = row["siren"] + row["nic"]
            yield row
            continue
        siren = str(sirens[number])
        siren += luhn_key(siren)
        nic = f"{rng.randrange(1, 99):04d}"
        nic += luhn_key(siren + nic)
        commune = rng.choices(communes, cum_weights=weights)[0]
        closed = rng.random() < 0.07
        founded = date(rng, 1945, 2025)
        category = rng.choice(scop) if rng.random() < 0.75 else rng.choice(others)
        family = "" if category in scop else rng.choice(FAMILIES)
        upper = ascii_upper(commune[1])
        head = dict.fromkeys(header, "") | {
            "siren": siren,
            "nic": nic,
            "siret": siren + nic,
            "statutDiffusionEtablissement": "O",
            "dateCreationEtablissement": founded,
            "trancheEffectifsEtablissement": rng.choices(BANDS, BAND_WEIGHTS)[0],
            "anneeEffectifsEtablissement": "2022",
            "etablissementSiege": "true",
            "complementAdresseEtablissement": "BATIMENT B" if rng.random() < 0.05 else "",
            "numeroVoieEtablissement": str(rng.randrange(1, 300)),
            "indiceRepetitionEtablissement": "B" if rng.random() < 0.04 else "",
            "typeVoieEtablissement": rng.choices(STREET_TYPES, STREET_WEIGHTS)[0],
            "libelleVoieEtablissement": rng.choice(STREETS),
            "codePostalEtablissement": rng.choice(commune[4]),
            "libelleCommuneEtablissement": upper,
            "codeCommuneEtablissement": commune[0],
            "dateDebut": date(rng, 2015, 2025) if closed else founded,
            "etatAdministratifEtablissement": "F" if closed else "A",
            "activitePrincipaleEtablissement": rng.choice(naf_codes),
            "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
            "denominationUniteLegale": name(rng, upper),
            "categorieJuridiqueUniteLegale": category,
            "etatAdministratifUniteLegale": "C" if closed and rng.random() < 0.5 else "A",
            "famille": family,
        }
        if head["trancheEffectifsEtablissement"] == "":
            head["anneeEffectifsEtablissement"] = ""
        yield head


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("count", type=int, help="lines, head offices and others")
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=42)
    options = parser.parse_args()
    header = reference()[0]
    with options.out.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(lines(options.count, options.seed))


if __name__ == "__main__":
    main()
