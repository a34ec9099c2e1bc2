"""Consistency check of the relevance test set (no pytest, no Django, no search engine).

Run: .venv/bin/python observatoire/search/tests/relevance/check_data.py

Checks that every expected slug exists in corpus.json, that every kind is known and has at least
its minimum number of queries, that no query is repeated, and that at most one third of the
queries are made only of words of the expected practice's title (accents, case and tiny stop
words ignored). It deliberately folds text with its own few lines, independent of the engine.
"""

import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
MINIMUMS = {
    "exact": 18,
    "sans_accents": 18,
    "flexion": 18,
    "famille": 18,
    "abreviation": 18,
    "fautes": 18,
    "plusieurs_mots": 18,
    "majuscules": 18,
    "lieu": 10,
    "nombre": 10,
}
MIN_TOTAL = 170
MAX_TITLE_ONLY_SHARE = 1 / 3
STOP_WORDS = {
    "a",
    "au",
    "aux",
    "avec",
    "d",
    "de",
    "des",
    "du",
    "en",
    "et",
    "l",
    "la",
    "le",
    "les",
    "n",
    "ne",
    "nos",
    "notre",
    "par",
    "pas",
    "pour",
    "qu",
    "que",
    "s",
    "sa",
    "sans",
    "se",
    "ses",
    "son",
    "sur",
    "un",
    "une",
    "y",
}


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def content_words(text: str) -> list[str]:
    return [word for word in re.findall(r"[0-9a-z]+", fold(text)) if word not in STOP_WORDS]


def main() -> int:
    corpus = json.loads((HERE / "corpus.json").read_text(encoding="utf-8"))
    queries = json.loads((HERE / "queries.json").read_text(encoding="utf-8"))
    errors: list[str] = []

    titles = {practice["slug"]: practice["title"] for practice in corpus["practices"]}
    if len(titles) != len(corpus["practices"]):
        errors.append("corpus.json : slug de pratique en double")

    counts: Counter[str] = Counter()
    seen: set[str] = set()
    title_only: list[str] = []
    for index, item in enumerate(queries):
        query, kind, expected = item.get("query", ""), item.get("kind"), item.get("expected")
        where = f"queries[{index}] « {query} »"
        if not query.strip():
            errors.append(f"{where} : requête vide")
        if kind not in MINIMUMS:
            errors.append(f"{where} : type inconnu « {kind} »")
        if expected not in titles:
            errors.append(f"{where} : pratique attendue inconnue « {expected} »")
        key = " ".join(fold(query).split())
        if key in seen:
            errors.append(f"{where} : requête en double")
        seen.add(key)
        counts[kind] += 1
        words = content_words(query)
        if expected in titles and words and set(words) <= set(content_words(titles[expected])):
            title_only.append(query)

    for kind, minimum in MINIMUMS.items():
        if counts[kind] < minimum:
            errors.append(f"type « {kind} » : {counts[kind]} requêtes, minimum {minimum}")
    if len(queries) < MIN_TOTAL:
        errors.append(f"{len(queries)} requêtes, minimum {MIN_TOTAL}")
    share = len(title_only) / len(queries) if queries else 0
    if share > MAX_TITLE_ONLY_SHARE:
        errors.append(f"{share:.0%} des requêtes ne reprennent que des mots du titre (max. 1/3)")

    print(
        f"{len(corpus['cooperatives'])} coopératives, {len(titles)} pratiques, "
        f"{len(queries)} requêtes"
    )
    for kind in MINIMUMS:
        print(f"  {kind:<15} {counts[kind]:>4}")
    print(f"requêtes faites des seuls mots du titre : {len(title_only)} ({share:.0%})")
    for line in errors:
        print("ERREUR", line)
    print("OK" if not errors else f"{len(errors)} erreur(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
