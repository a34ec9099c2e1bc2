"""Write the benchmark's report from what bench/run.sh collected in bench/out/.

``results.txt`` holds one line per mix (database, cache mode, page kind, visitor or member) and
one per stream of writes; ``run-info.txt`` the commit measured and the run's settings. Each mix's
throughput is compared with the floor measured in the same run (same database, same cache mode,
same server), so that the ratios do not depend on the machine.
"""

import os
import platform
import sqlite3
import subprocess
import sys
from pathlib import Path

MIXES = {
    "floor_first": "Plancher, mesuré en premier",
    "floor_member": "Plancher, membre connecté",
    "detail": "Fiche pratique",
    "list": "Liste, une à trois facettes",
    "search": "Recherche, avec ou sans facette",
    "search_broad": "Recherche large, sans facette",
    "coop": "Annuaire : fiche coopérative",
    "dirlist": "Annuaire : liste, une à trois facettes",
    "dirsearch": "Annuaire : recherche, avec ou sans facette",
    "points": "Carte : points GeoJSON (tout l'annuaire, puis filtré)",
    "floor": "Plancher, mesuré en dernier",
}
WHO = {"visitor": "visiteur", "member": "membre"}
# (mix, minimum ratio to the floor with the cache on, with every cache off)
RATIO_TARGETS: list[tuple[str, float, float | None]] = [
    ("detail", 0.3, 0.25),
    ("list", 0.1, 0.08),
    ("search", 0.05, 0.04),
    # The directory (issue 9): targets with the cache on only.
    ("coop", 0.3, None),
    ("dirlist", 0.1, None),
    ("dirsearch", 0.1, None),
]
BROAD_P95_MS = 300.0
POINTS_P95_MS = 300.0  # the map's points, the whole directory (10,000) among them
FLOOR_SPREAD_TOLERATED = 0.15  # first and last floors further apart: a busy machine
ERRORS_TOLERATED = 0.01  # above this share of failed requests a mix proves nothing
DATABASE_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
CACHE_NAMES = {"on": "cache actif", "off": "tous caches coupés"}
BACKENDS = {
    "redis": "Redis (cache ; sessions en base)",
    "database": "cache en base de données",
    "none": "`DJANGO_CACHE=none` : aucun cache, sessions en base",
}
FULL_SIZES = "seed=42 practices=50000 cooperatives=10000 people=100000"

Row = dict[str, str]


def parse(line: str) -> Row:
    return dict(item.split("=", 1) for item in line.split() if "=" in item)


def read_results(path: Path) -> dict[str, dict[str, dict[str, Row]]]:
    """{database: {cache mode: {"mix/who" or "writes": row}}}, in the order measured; the rounds
    of a mix measured in alternation (bench/run.sh, measure_pair) merged into one row."""
    rounds: dict[str, dict[str, dict[str, list[Row]]]] = {}
    for line in path.read_text().splitlines():
        row = parse(line)
        key = "writes" if row["mix"] == "writes" else f"{row['mix']}/{row['who']}"
        rounds.setdefault(row["db"], {}).setdefault(row["cache"], {}).setdefault(key, [])
        rounds[row["db"]][row["cache"]][key].append(row)
    return {
        db: {
            cache: {key: merge(rows) for key, rows in mixes.items()}
            for cache, mixes in modes.items()
        }
        for db, modes in rounds.items()
    }


def percentile(rounds: list[Row], share: float) -> int:
    """The latency under which ``share`` of all the requests of these rounds answered, from each
    round's latency at every 0.1 % (each point stands for a thousandth of its round's requests)."""
    points = sorted(
        (int(value), int(row["requests"]) / 1000)
        for row in rounds
        for value in row["quantiles"].split(",")
    )
    wanted, seen = share * sum(int(row["requests"]) for row in rounds), 0.0
    for value, weight in points:
        seen += weight
        if seen >= wanted - 1e-9:
            return value
    return points[-1][0] if points else 0


def merge(rounds: list[Row]) -> Row:
    """The rounds of one mix as one measure: requests, time and errors added up, percentiles of
    the whole, the load at the end of the last round. A round that did not answer makes the mix
    not measured."""
    failed = [row for row in rounds if "failed" in row]
    if len(rounds) == 1 or failed:
        return (failed or rounds)[0]
    merged = dict(rounds[-1])
    for key in ("requests", "duration_us", "non_200", "socket_errors"):
        merged[key] = str(sum(int(row[key]) for row in rounds))
    requests = int(merged["requests"])
    weighted = sum(float(row["mean_us"]) * int(row["requests"]) for row in rounds)
    merged["mean_us"] = f"{weighted / requests:.0f}" if requests else "0"
    merged["max_us"] = str(max(int(row["max_us"]) for row in rounds))
    statuses: dict[str, int] = {}
    for row in rounds:
        for item in row.get("statuses", "-").split(","):
            if ":" in item:
                status, count = item.split(":")
                statuses[status] = statuses.get(status, 0) + int(count)
    merged["statuses"] = ",".join(f"{key}:{value}" for key, value in statuses.items()) or "-"
    if requests and all("quantiles" in row for row in rounds):
        for name, share in (("p50_us", 0.5), ("p95_us", 0.95), ("p99_us", 0.99)):
            merged[name] = str(percentile(rounds, share))
    merged["rounds"] = str(len(rounds))
    return merged


def rate(row: Row | None) -> float:
    if row is None or "requests" not in row:
        return 0.0
    return int(row["requests"]) / (int(row["duration_us"]) / 1e6)


def errors(row: Row) -> int:
    if "failed" in row:
        return -1
    return int(row["non_200"]) + int(row["socket_errors"])


def reliable(row: Row | None) -> bool:
    if row is None or "requests" not in row or int(row["requests"]) == 0:
        return False
    return errors(row) <= ERRORS_TOLERATED * int(row["requests"])


def ms(row: Row | None, key: str) -> float:
    """A latency in ms; a mix that failed or never answered counts as infinitely slow."""
    if row is None or "requests" not in row or int(row["requests"]) == 0:
        return float("inf")
    return int(row[key]) / 1000


def shown(value: float, digits: int = 1) -> str:
    return "—" if value == float("inf") else f"{value:.{digits}f}"


def floor_spread(rows: dict[str, Row]) -> float:
    """How far apart the first and last floors are, relative to their mean."""
    first, last = (rate(rows.get(f"{name}/visitor")) for name in ("floor_first", "floor"))
    return abs(first - last) / ((first + last) / 2) if first and last else 0.0


def floor_rate(rows: dict[str, Row]) -> float:
    floors = [rate(rows.get(f"{name}/visitor")) for name in ("floor_first", "floor")]
    floors = [value for value in floors if value > 0]
    return sum(floors) / len(floors) if floors else 0.0


def member_without_session(rows: dict[str, Row], mix: str) -> float | None:
    """How fast members are against visitors once their session is set aside: the server's
    time a request (1 / req/s at saturation) of the member floor, less the visitor floor's, is
    what being signed in costs on any page; it is taken from the member's time on ``mix``.
    Above 1: members faster. None without the member floor."""
    visitor, member = rate(rows.get(f"{mix}/visitor")), rate(rows.get(f"{mix}/member"))
    floor, member_floor = floor_rate(rows), rate(rows.get("floor_member/member"))
    if not (visitor and member and floor and member_floor):
        return None
    session = 1 / member_floor - 1 / floor
    return (1 / visitor) / max(1 / member - session, 1e-9)


def verdict(ok: bool, row: Row | None) -> str:
    if not reliable(row):
        return "**non mesuré** (erreurs)"
    return "atteint" if ok else "**non atteint**"


def git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True).stdout.strip()


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
    return [
        f"- Machine : {os.cpu_count()} cœurs (`nproc`), {cpu}, "
        f"{memory_kb / 1024 / 1024:.1f} Gio de mémoire, {platform.system()} {platform.release()}",
        f"- Logiciels : Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PostgreSQL {postgres}",
    ]


def code(info: list[str]) -> list[str]:
    """The commit measured, and a loud warning when the code was not that commit."""
    states = [parse(line) for line in info if "commit=" in line]
    commits = sorted({state["commit"] for state in states})
    dirty = max((int(state["dirty_files"]) for state in states), default=0)
    lines = [f"- Code mesuré : commit {', '.join(commits) or '?'}"]
    if dirty or len(commits) > 1:
        lines = [
            "> **ATTENTION : mesure faite sur du code non commité**"
            + (
                f" ({dirty} fichiers de `observatoire/`, `templates/` ou `static/` différaient du "
                "commit)"
                if dirty
                else ""
            )
            + (" ; le commit a changé pendant la mesure" if len(commits) > 1 else "")
            + ". Ces chiffres ne valent pour aucun commit.",
            "",
            *lines,
        ]
    return lines


def mix_table(rows: dict[str, Row]) -> list[str]:
    floor = floor_rate(rows)
    lines = [
        "| Mélange | Client | URL distinctes | Chauffe (req.) | Clients | req/s | p50 (ms) "
        "| p95 (ms) | p99 (ms) | Erreurs | req/s ÷ plancher | Charge |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for key, row in rows.items():
        if key == "writes":
            continue
        label = MIXES.get(row["mix"], row["mix"])
        if "failed" in row:
            lines.append(
                f"| {label} | {WHO[row['who']]} | {row['urls']} | | | | | | "
                f"| non mesuré : réponse {row['failed']} (000 : délai dépassé) | | |"
            )
            continue
        failed = errors(row)
        detail = f" ({row['statuses']})" if row.get("statuses", "-") != "-" else ""
        ratio = rate(row) / floor if floor else 0.0
        lines.append(
            f"| {label} | {WHO[row['who']]} | {row['urls']} | {row.get('warmup', '')} "
            f"| {row['connections']} "
            f"| {rate(row):.1f} | {shown(ms(row, 'p50_us'))} | {shown(ms(row, 'p95_us'))} "
            f"| {shown(ms(row, 'p99_us'))} | {failed}{detail} | {ratio:.3f} | {row['load']} |"
        )
    return lines


def writes_line(row: Row | None) -> list[str]:
    if row is None:
        return ["Écritures pendant la mesure : aucune (flux non lancé).", ""]
    seconds = float(row.get("seconds", "0") or 0)
    done = int(row.get("writes", 0))
    per_action = ", ".join(
        f"{action} {row.get(f'{action}_ok', 0)} réussies / "
        f"{row.get(f'{action}_failed', 0)} échouées"
        for action in ("comment", "bookmark", "draft")
    )
    statuses = ", ".join(f"{key} : {value}" for key, value in row.items() if "_status_" in key)
    return [
        f"Écritures pendant la mesure (membres connectés, HTTP, jetons CSRF) : {done} en "
        f"{seconds:.0f} s ({done / seconds if seconds else 0:.2f}/s pour "
        f"{row.get('rate_wanted', '?')}/s voulues), **{row.get('ok', 0)} réussies, "
        f"{row.get('failed', 0)} échouées** ; {per_action} ; durée p50 {row.get('p50_ms')} ms, "
        f"p95 {row.get('p95_ms')} ms ; connexions : {row.get('login_ok', 0)} réussies, "
        f"{row.get('login_failed', 0)} échouées"
        + (f" ; échecs par statut : {statuses}" if statuses else "")
        + ".",
        "",
    ]


def targets(modes: dict[str, dict[str, Row]]) -> list[str]:
    columns = [mode for mode in ("on", "off") if mode in modes]
    lines = [
        "| Objectif | " + " | ".join(CACHE_NAMES[mode] for mode in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for mix, on, off in RATIO_TARGETS:
        for who in WHO:
            cells = []
            for mode in columns:
                rows = modes[mode]
                row = rows.get(f"{mix}/{who}")
                floor = floor_rate(rows)
                ratio = rate(row) / floor if floor else 0.0
                minimum = on if mode == "on" else off
                if minimum is None:
                    cells.append(f"{ratio:.3f} (pas d'objectif)")
                    continue
                cells.append(f"{ratio:.3f} ≥ {minimum} : {verdict(ratio >= minimum, row)}")
            lines.append(f"| {MIXES[mix]}, {WHO[who]} | " + " | ".join(cells) + " |")
    for mix, label, most in (
        ("search_broad", f"Recherche large, p95 ≤ {BROAD_P95_MS:.0f} ms à 8 clients", BROAD_P95_MS),
        ("points", f"Carte : points GeoJSON, p95 ≤ {POINTS_P95_MS:.0f} ms", POINTS_P95_MS),
    ):
        cells = []
        for mode in columns:
            row = modes[mode].get(f"{mix}/visitor")
            p95 = ms(row, "p95_us")
            cells.append(f"{shown(p95, 0)} ms : {verdict(p95 <= most, row)}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for mix, _on, _off in RATIO_TARGETS:
        cells = []
        for mode in columns:
            rows = modes[mode]
            visitor, member = rows.get(f"{mix}/visitor"), rows.get(f"{mix}/member")
            ratio = rate(member) / rate(visitor) if rate(visitor) else 0.0
            without = member_without_session(rows, mix)
            ok = reliable(visitor) and reliable(rows.get("floor_member/member"))
            ok = ok and without is not None and without >= 1.0
            cells.append(
                f"membre ÷ visiteur {ratio:.2f}, session déduite "
                + ("—" if without is None else f"{without:.2f}")
                + " : "
                + verdict(ok, member)
            )
        lines.append(
            f"| {MIXES[mix]} : membres au moins aussi rapides que les visiteurs, "
            "leur session déduite | " + " | ".join(cells) + " |"
        )
    return lines + [""]


def database_section(db: str, modes: dict[str, dict[str, Row]], out: Path) -> list[str]:
    lines = [f"## {DATABASE_NAMES.get(db, db)}", ""]
    marker = out / f"generated-{db}"
    if marker.exists():
        wanted, seconds = marker.read_text().split("\n")[:2]
        lines += [f"Données : {wanted} ; génération : {seconds} s (dernière génération).", ""]
    for mode, rows in modes.items():
        backend = next(iter(rows.values())).get("backend", "")
        lines += [f"### {CACHE_NAMES.get(mode, mode)} — {BACKENDS.get(backend, backend)}", ""]
        lines += mix_table(rows) + [""]
        if floor_spread(rows) > FLOOR_SPREAD_TOLERATED:
            lines += [
                f"> **Plancher instable** : le premier et le dernier diffèrent de "
                f"{floor_spread(rows):.0%} ; la machine était occupée par ailleurs pendant la "
                "mesure, les rapports au plancher sont peu sûrs.",
                "",
            ]
        lines += writes_line(rows.get("writes"))
    lines += [f"### Objectifs, {DATABASE_NAMES.get(db, db)}", ""] + targets(modes)
    return lines


def main(out: Path) -> None:
    results = read_results(out / "results.txt")
    info_lines = (out / "run-info.txt").read_text().splitlines()
    info: Row = {}
    for line in info_lines:
        info.update(parse(line))
    sizes = next(line.removeprefix("sizes=") for line in info_lines if line.startswith("sizes="))
    lines = [
        "# Banc d'essai — résultats",
        "",
        "Écrit par `bench/report.py` à la fin de `make bench` (équivalent : `bash bench/run.sh`). "
        "Ne pas modifier à la main : relancer le banc. Méthode : bench/README.md.",
        "",
        *code(info_lines),
        f"- Mesure : du {info.get('started', '?')} au {info.get('ended', '?')} (UTC)",
        *machine(),
        f"- Données : {sizes}"
        + (
            ""
            if sizes.startswith(FULL_SIZES)
            else " — **petit jeu de données : essai du banc seulement**"
        ),
        f"- Serveur : gunicorn, {info.get('workers')} workers synchrones, DEBUG désactivé, "
        "tous les middlewares du site ; wrk sur 127.0.0.1, même machine.",
        f"- Charge : par mélange, une chauffe de {info.get('warmup')} (pour un membre : autant "
        "de requêtes que la chauffe du visiteur du même mélange, colonne « Chauffe ») puis "
        f"`wrk -t {info.get('threads')} -c {info.get('connections')} "
        f"-d {info.get('duration')}` (8 clients pour la recherche large) ; "
        + (
            f"le visiteur et le membre d'une même page mesurés en alternance, en "
            f"{info['rounds']} tours de {info.get('duration')} ÷ {info['rounds']} chacun, "
            "les tours additionnés ; "
            if int(info.get("rounds", "1")) > 1
            else ""
        )
        + "chaque requête tire au hasard une URL du fichier du mélange "
        "(`bench/mix.lua`) ; toute réponse autre que 200 compte comme erreur.",
        f"- Écritures : {info.get('write_rate')}/s pendant toute la série de mesures "
        "(`bench/writes.py`).",
        "- Plancher de référence : moyenne des planchers mesurés en premier et en dernier, dans la "
        "même série (même base, même mode de cache, même serveur). « Charge » : charge moyenne de "
        "la machine (1 min) à la fin du mélange ; au-delà du nombre de cœurs, d'autres processus "
        "prenaient du processeur.",
        "",
    ]
    for db, modes in results.items():
        lines += database_section(db, modes, out)
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out"))
