"""Questions the benchmark asks the database: is the data there, and which URLs to load.

Run with the same DATABASE_URL as the server: ``python bench/pages.py count`` prints how many
generated practices exist; ``python bench/pages.py urls`` prints one ``name<TAB>path<TAB>matches``
line per page to load.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "observatoire.settings")

import django  # noqa: E402

django.setup()

from observatoire.practices import search  # noqa: E402
from observatoire.practices.management.commands.generatedata import GENERATED_SLUG  # noqa: E402
from observatoire.practices.models import Practice  # noqa: E402

# Rare trades of the generator's vocabulary: one of them is the narrow query.
NARROW_CANDIDATES = [
    "ganterie",
    "horlogerie",
    "vannerie",
    "cordonnerie",
    "sellerie",
    "coutellerie",
    "tonnellerie",
    "poterie",
    "distillerie",
    "savonnerie",
    "chocolaterie",
]
BROAD_QUERY = "cooperative"
NARROW_TARGET = 50  # about this many matching practices, out of tens of thousands


def public():
    return Practice.objects.published().filter(visibility=Practice.Visibility.PUBLIC)


def matches(text: str) -> int:
    return search.matching(public(), search.parse(text)).count()


def urls() -> list[tuple[str, str, str]]:
    counts = {word: matches(word) for word in NARROW_CANDIDATES}
    narrow = min((w for w in counts if counts[w] > 0), key=lambda w: abs(counts[w] - NARROW_TARGET))
    detail = public().filter(slug__regex=GENERATED_SLUG).order_by("-published_at", "-pk").first()
    facets = public().filter(themes__slug="gouvernance", cooperatives__family="scop").distinct()
    # The floor is measured first and last: a difference shows the machine was busy meanwhile.
    return [
        ("floor_first", "/banc/plancher/", ""),
        ("home", "/", ""),
        ("list_facets", "/pratiques/?theme=gouvernance&forme=scop", str(facets.count())),
        ("search_narrow", f"/pratiques/?q={narrow}", str(counts[narrow])),
        ("search_broad", f"/pratiques/?q={BROAD_QUERY}", str(matches(BROAD_QUERY))),
        ("detail", detail.get_absolute_url(), ""),
        ("floor", "/banc/plancher/", ""),
    ]


if __name__ == "__main__":
    if sys.argv[1:] == ["count"]:
        print(Practice.objects.filter(slug__regex=GENERATED_SLUG).count())
    elif sys.argv[1:] == ["urls"]:
        for row in urls():
            print("\t".join(row))
    else:
        sys.exit("usage: pages.py count|urls")
