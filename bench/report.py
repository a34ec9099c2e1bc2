"""Write bench/RESULTS.md from the lines bench/run.sh collected in bench/out/results.txt.

Each page's throughput is compared with the floor measured in the same run, on the same
database, so that the ratios do not depend on the machine.
"""

import datetime
import os
import platform
import sqlite3
import subprocess
import sys
from pathlib import Path

PAGES = {
    "floor_first": "Plancher, mesuré en premier",
    "home": "Accueil",
    "list_facets": "Liste, deux facettes",
    "search_narrow": "Recherche étroite",
    "search_broad": "Recherche large",
    "detail": "Fiche pratique",
    "floor": "Plancher (sans base), mesuré en dernier",
}
# (pages, minimum ratio to the floor)
RATIO_TARGETS = [(["detail"], 0.5), (["list_facets", "search_narrow", "search_broad"], 0.25)]
BROAD_P95_MS = 100.0
DATABASE_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def read_results(path: Path) -> dict[str, dict[str, dict[str, str]]]:
    results: dict[str, dict[str, dict[str, str]]] = {}
    for line in path.read_text().splitlines():
        fields = dict(item.split("=", 1) for item in line.split())
        results.setdefault(fields["db"], {})[fields["page"]] = fields
    return results


def rate(row: dict[str, str]) -> float:
    if "requests" not in row:
        return 0.0
    return int(row["requests"]) / (int(row["duration_us"]) / 1e6)


def ms(row: dict[str, str], key: str) -> float:
    """A latency in ms; a page that failed or never answered counts as infinitely slow."""
    if "requests" not in row or int(row["requests"]) == 0:
        return float("inf")
    return int(row[key]) / 1000


def shown(value: float) -> str:
    return "—" if value == float("inf") else f"{value:.1f}"


def cache_backend() -> str:
    if os.environ.get("DJANGO_CACHE") == "none":
        return "aucun (chaque requête calculée en entier, `make bench-uncached`)"
    url = os.environ.get("REDIS_URL")
    return f"Redis ({url})" if url else "base de données"


def machine() -> list[str]:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
        platform.processor(),
    )
    try:
        postgres = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "show server_version"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        postgres = "?"

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True).stdout.strip()

    changed = git("status", "--porcelain", "--untracked-files=no")
    return [
        f"- Date : {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Code : commit {git('rev-parse', '--short', 'HEAD')}"
        + (" avec des modifications non commitées" if changed else ""),
        f"- Machine : {os.cpu_count()} cœurs (`nproc`), {cpu}, "
        f"{memory_kb / 1024 / 1024:.1f} Gio de mémoire, {platform.system()} {platform.release()}",
        f"- Logiciels : Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {postgres}",
    ]


def database_section(db: str, pages: dict[str, dict[str, str]], out: Path) -> list[str]:
    # The floor is measured before and after the pages: their mean is the reference.
    floors = [rate(pages[name]) for name in ("floor_first", "floor") if name in pages]
    floor = sum(floors) / len(floors)
    lines = [f"## {DATABASE_NAMES.get(db, db)}", ""]
    marker = out / f"generated-{db}"
    if marker.exists():
        wanted, seconds = marker.read_text().split("\n")[:2]
        lines += [f"Données : {wanted} ; génération : {seconds} s (dernière génération).", ""]
    lines += [
        "| Page | Chemin | Résultats | Octets | Seule (ms) | req/s | p50 (ms) | p95 (ms) "
        "| p99 (ms) | req/s ÷ plancher | Erreurs | Charge |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, label in PAGES.items():
        row = pages.get(name)
        if row is None:
            continue
        if "failed" in row:
            errors = f"réponse {row['failed']} (délai dépassé si 000)"
        else:
            errors = str(int(row["non_2xx"]) + int(row["socket_errors"]))
        lines.append(
            f"| {label} | `{row['path']}` | {row['matches'] or ''} | {row['bytes']} "
            f"| {float(row['single_s']) * 1000:.0f} | {rate(row):.1f} "
            f"| {shown(ms(row, 'p50_us'))} | {shown(ms(row, 'p95_us'))} "
            f"| {shown(ms(row, 'p99_us'))} | {rate(row) / floor:.3f} | {errors} "
            f"| {row.get('load', '')} |"
        )
    lines += ["", "| Objectif | Mesure | Atteint ? |", "|---|---|---|"]
    for names, minimum in RATIO_TARGETS:
        for name in names:
            ratio = rate(pages[name]) / floor
            lines.append(
                f"| {PAGES[name]} ≥ {minimum} × plancher | {ratio:.3f} × "
                f"| {'atteint' if ratio >= minimum else '**non atteint**'} |"
            )
    if db == "postgres":
        p95 = ms(pages["search_broad"], "p95_us")
        lines.append(
            f"| Recherche large : p95 ≤ {BROAD_P95_MS:.0f} ms à 8 clients | "
            f"{shown(p95)} ms "
            f"| {'atteint' if p95 <= BROAD_P95_MS else '**non atteint**'} |"
        )
    return lines + [""]


def main(out: Path) -> None:
    results = read_results(out / "results.txt")
    load = {
        key: os.environ.get(f"BENCH_{key.upper()}", default)
        for key, default in [
            ("connections", "8"),
            ("threads", "2"),
            ("duration", "15s"),
            ("warmup", "3s"),
            ("workers", str(2 * (os.cpu_count() or 1))),
        ]
    }
    lines = [
        "# Banc d'essai — résultats",
        "",
        "Écrit par `bench/report.py` à la fin de `make bench` (équivalent : `bash bench/run.sh`). "
        "Ne pas modifier à la main : relancer le banc. Méthode : bench/README.md.",
        "",
        *machine(),
        f"- Cache : {cache_backend()} ; après la première requête, les pages sont servies "
        "depuis les fragments en cache (la colonne « Seule » montre une requête isolée)\n"
        f"- Serveur : gunicorn, {load['workers']} workers synchrones, DEBUG désactivé, "
        "tous les middlewares du site ; charge : wrk sur 127.0.0.1, même machine.",
        f"- Charge : `wrk -c {load['connections']} -t {load['threads']} -d {load['duration']}` "
        f"par page, après {load['warmup']} de chauffe ; percentiles exacts par le script Lua "
        "`bench/percentiles.lua`.",
        "- Visiteur anonyme : seules les pratiques publiées et publiques sont visibles.",
        "- « Seule » : durée d'une requête isolée (curl, serveur au repos) avant la charge ; "
        "« — » : aucune réponse complète pendant la mesure. Plancher de référence : moyenne du "
        "plancher mesuré en premier et en dernier. « Charge » : charge moyenne de la machine "
        "(1 min) à la fin de la mesure ; au-delà de 2 sur 2 cœurs, d'autres processus "
        "prenaient du processeur.",
        "",
    ]
    for db, pages in results.items():
        lines += database_section(db, pages, out)
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out"))
