"""Questions the benchmark asks the database: is the data there, which URLs to load, who signs in.

Run with the same DATABASE_URL as the server:

- ``python bench/pages.py count``: how many generated practices exist;
- ``python bench/pages.py urls DIR``: write the URL files wrk's bench/mix.lua draws from, one path
  a line, and ``DIR/summary.txt`` (how many distinct URLs each file holds);
- ``python bench/pages.py members N SEED``: N addresses of generated, active members, at random.

Everything is drawn from the database with a fixed seed (BENCH_URL_SEED), so that two runs on the
same data load the same URLs. Lists and searches are built from real practices (their facet values,
words of their titles), so that none of them is empty. Nothing here imports the application's
search or facet code: only its models and the parameter names of its URLs.
"""

import os
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "observatoire.settings")

import django  # noqa: E402

django.setup()

from observatoire.accounts.models import Role, User  # noqa: E402
from observatoire.network.models import Cooperative  # noqa: E402
from observatoire.practices.management.commands.generatedata import (  # noqa: E402
    EMAIL_DOMAIN,
    GENERATED_SLUG,
)
from observatoire.practices.models import Practice  # noqa: E402

DETAIL_URLS = int(os.environ.get("BENCH_DETAIL_URLS", 20000))
LIST_URLS = int(os.environ.get("BENCH_LIST_URLS", 3000))
SEARCH_URLS = int(os.environ.get("BENCH_SEARCH_URLS", 3000))
BROAD_WORDS = 12  # the broad-query file: the most frequent title words, alone
FREQUENT_WORDS = 40  # a third of the searches use one of these (broad), the rest words of a title
SEED = int(os.environ.get("BENCH_URL_SEED", 42))
LIST_PATH = "/pratiques/"
DIRECTORY_PATH = "/annuaire/"
POINTS_PATH = "/annuaire/carte/points.geojson"
COOP_URLS = int(os.environ.get("BENCH_COOP_URLS", 10000))
DIRECTORY_LIST_URLS = int(os.environ.get("BENCH_DIRECTORY_URLS", 3000))
POINTS_URLS = int(os.environ.get("BENCH_POINTS_URLS", 300))
FACET_FIELDS = ["forme", "effectif", "secteur", "ur", "region"]  # of a practice's cooperatives
WORD = re.compile(r"[^\W\d_]{4,}")
# Words too common in French to make a search (the application drops them anyway).
STOP = {
    *("avec", "dans", "pour", "sans", "sous", "leur", "leurs", "nous", "vous", "elle", "elles"),
    *("notre", "votre", "entre", "chez", "plus", "tout", "tous", "toute", "toutes", "être"),
    *("avoir", "fait", "faire", "comme", "mais", "donc", "cette", "ceux", "celle", "quand"),
}


def published():
    return Practice.objects.filter(status=Practice.Status.PUBLISHED, deleted_at__isnull=True)


def public():
    return published().filter(visibility=Practice.Visibility.PUBLIC)


def facet_values(ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """Every (URL parameter, value) each practice would be found under, as the list's facets
    name them (observatoire/practices/facets.py)."""
    values: dict[int, set[tuple[str, str]]] = defaultdict(set)
    wanted = set(ids)
    for pk, category, year in published().values_list("pk", "category__slug", "published_year"):
        if pk in wanted:
            if category:
                values[pk].add(("categorie", category))
            if year:
                values[pk].add(("annee", str(year)))
    themes = Practice.themes.through.objects.values_list("practice_id", "theme__slug")
    for pk, theme in themes.iterator(chunk_size=5000):
        if pk in wanted and theme:
            values[pk].add(("theme", theme))
    cooperatives = Practice.cooperatives.through.objects.values_list(
        "practice_id",
        "cooperative__family",
        "cooperative__headcount",
        "cooperative__sector__code",
        "cooperative__union__slug",
        "cooperative__departement__region__code",
    )
    for pk, *fields in cooperatives.iterator(chunk_size=5000):
        if pk in wanted:
            for param, value in zip(FACET_FIELDS, fields, strict=True):
                if value:
                    values[pk].add((param, str(value)))
    return {pk: sorted(pairs) for pk, pairs in values.items()}


def some_facets(rng: random.Random, pairs: list[tuple[str, str]], most: int):
    """One value of one to ``most`` different facets among a practice's own."""
    by_param: dict[str, list[str]] = defaultdict(list)
    for param, value in pairs:
        by_param[param].append(value)
    params = rng.sample(sorted(by_param), min(len(by_param), rng.randint(1, most)))
    return [(param, rng.choice(by_param[param])) for param in params]


def title_words(title: str) -> list[str]:
    return [word for word in WORD.findall(title.lower()) if word not in STOP]


def url(params: list[tuple[str, str]]) -> str:
    return f"{LIST_PATH}?{urlencode(params)}"


def distinct(rng: random.Random, wanted: int, make) -> list[str]:
    """Up to ``wanted`` distinct URLs from ``make()``, giving up after many repeats."""
    found: dict[str, None] = {}
    tries = 0
    while len(found) < wanted and tries < wanted * 20:
        tries += 1
        made = make()
        if made:
            found[made] = None
    return list(found)


def write_urls(directory: Path) -> None:
    rng = random.Random(SEED)
    directory.mkdir(parents=True, exist_ok=True)
    visible = list(public().filter(slug__regex=GENERATED_SLUG).values_list("pk", "slug", "title"))
    everything = list(published().filter(slug__regex=GENERATED_SLUG).values_list("slug", flat=True))
    if not visible:
        sys.exit("aucune pratique générée publiée et publique : lancer generatedata")
    files: dict[str, list[str]] = {}
    # Practice pages: public ones for visitors; members also see members-only practices.
    public_slugs = [slug for _pk, slug, _title in visible]
    files["detail-visitor"] = [
        f"/pratiques/{slug}/" for slug in rng.sample(public_slugs, min(DETAIL_URLS, len(visible)))
    ]
    files["detail-member"] = [
        f"/pratiques/{slug}/" for slug in rng.sample(everything, min(DETAIL_URLS, len(everything)))
    ]
    # Lists and searches: built from public practices, so that none is empty, for anybody.
    sampled = rng.sample(visible, min(len(visible), 4 * (LIST_URLS + SEARCH_URLS)))
    facets = facet_values([pk for pk, _slug, _title in sampled])
    with_facets = [pk for pk, _slug, _title in sampled if facets.get(pk)]
    files["list-visitor"] = distinct(
        rng, LIST_URLS, lambda: url(some_facets(rng, facets[rng.choice(with_facets)], 3))
    )
    frequency = Counter(word for _pk, _slug, title in visible for word in set(title_words(title)))
    frequent = [word for word, _n in frequency.most_common(FREQUENT_WORDS)]

    def search() -> str:
        pk, _slug, title = rng.choice(sampled)
        if rng.random() < 1 / 3:
            query = rng.choice(frequent)  # broad: thousands of practices
        else:
            candidates = title_words(title)
            if not candidates:
                return ""
            count = min(len(candidates), rng.randint(1, 3))
            start = rng.randrange(len(candidates) - count + 1)
            query = " ".join(candidates[start : start + count])  # narrower, as people type
        params = [("q", query)]
        if rng.random() < 0.5 and facets.get(pk):
            params += some_facets(rng, facets[pk], 1)
        return url(params)

    files["search-visitor"] = distinct(rng, SEARCH_URLS, search)
    # The same lists and searches for members: only who asks differs.
    files["list-member"] = files["list-visitor"]
    files["search-member"] = files["search-visitor"]
    # Broad queries, alone: the historic « cooperative » (in most practices' text) and the most
    # frequent title words.
    broad = ["cooperative", *[word for word in frequent if word != "cooperative"]]
    files["search-broad"] = [url([("q", word)]) for word in broad[:BROAD_WORDS]]
    files.update(directory_urls(rng))
    files["floor"] = ["/banc/plancher/"]
    lines = []
    for name, paths in files.items():
        (directory / f"{name}.txt").write_text("".join(f"{path}\n" for path in paths))
        lines.append(f"{name}={len(paths)}")
    (directory / "summary.txt").write_text(" ".join(lines) + "\n")
    print(" ".join(lines))


def directory_urls(rng: random.Random) -> dict[str, list[str]]:
    """The directory's mixes: cooperative pages; lists with one to three of a cooperative's own
    facet values; searches of words from names, communes and activities, half of them with a
    facet; the map's points, for the whole directory and for filters (every listed cooperative
    is public: visitors and members load the same URLs)."""
    rows = list(
        Cooperative.objects.filter(slug__regex=GENERATED_SLUG, archived_at__isnull=True)
        .order_by("pk")
        .values_list("slug", "name", "commune", "tokens")
    )
    if not rows:
        return {}
    files: dict[str, list[str]] = {}
    files["coop-visitor"] = [
        f"{DIRECTORY_PATH}{slug}/" for slug, *_rest in rng.sample(rows, min(COOP_URLS, len(rows)))
    ]

    def pairs(tokens: list[str], most: int) -> list[tuple[str, str]]:
        by_param: dict[str, list[str]] = defaultdict(list)
        for token in tokens:
            param, _sep, value = token.partition(":")
            by_param[param].append(value)
        params = rng.sample(sorted(by_param), min(len(by_param), rng.randint(1, most)))
        return [(param, rng.choice(by_param[param])) for param in params]

    def listing() -> str:
        tokens = rng.choice(rows)[3]
        return f"{DIRECTORY_PATH}?{urlencode(pairs(tokens, 3))}" if tokens else ""

    def search() -> str:
        _slug, name, commune, tokens = rng.choice(rows)
        words = [w for w in WORD.findall(f"{name} {commune}".lower()) if w not in STOP]
        if not words:
            return ""
        params = [("q", " ".join(rng.sample(words, min(len(words), rng.randint(1, 2)))))]
        if rng.random() < 0.5 and tokens:
            params += pairs(tokens, 1)
        return f"{DIRECTORY_PATH}?{urlencode(params)}"

    def points() -> str:
        tokens = rng.choice(rows)[3]
        return f"{POINTS_PATH}?{urlencode(pairs(tokens, 1))}" if tokens else ""

    files["dirlist-visitor"] = distinct(rng, DIRECTORY_LIST_URLS, listing)
    files["dirsearch-visitor"] = distinct(rng, DIRECTORY_LIST_URLS, search)
    # The whole directory first (the URL the map opens on), then filtered maps.
    files["points-visitor"] = [POINTS_PATH, *distinct(rng, POINTS_URLS, points)]
    for kind in ("coop", "dirlist", "dirsearch", "points"):
        files[f"{kind}-member"] = files[f"{kind}-visitor"]
    return files


def members(count: int, seed: int) -> list[str]:
    emails = list(
        User.objects.filter(
            email__endswith=f"@{EMAIL_DOMAIN}", is_active=True, role=Role.MEMBER
        ).values_list("email", flat=True)
    )
    return random.Random(seed).sample(emails, min(count, len(emails)))


if __name__ == "__main__":
    command = sys.argv[1:2]
    if command == ["count"]:
        print(Practice.objects.filter(slug__regex=GENERATED_SLUG).count())
    elif command == ["urls"] and len(sys.argv) == 3:
        write_urls(Path(sys.argv[2]))
    elif command == ["members"] and len(sys.argv) == 4:
        print("\n".join(members(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        sys.exit("usage: pages.py count | urls DIR | members N SEED")
