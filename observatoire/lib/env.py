"""Read configuration from the environment (12-factor), with typed helpers."""

import os
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on", "oui"}
FALSE_VALUES = {"0", "false", "no", "off", "non", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name} doit valoir 1 ou 0, pas {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} doit être un nombre entier, pas {raw!r}.") from error


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str, base_dir: str) -> dict:
    """Turn ``sqlite:///path`` or ``postgres://user:pass@host:port/name`` into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path.lstrip("/")) if parsed.netloc == "" else parsed.netloc
        if not path:
            path = "db.sqlite3"
        if not os.path.isabs(path) and not url.startswith("sqlite:////"):
            path = os.path.join(base_dir, path)
        elif url.startswith("sqlite:////"):
            path = "/" + path
        return {
            # Django's, without keeping a connection that met an error (lib/sqlite/base.py).
            "ENGINE": "observatoire.lib.sqlite",
            "NAME": path,
            "OPTIONS": {
                # WAL lets readers and the writer work at the same time; IMMEDIATE avoids
                # "database is locked" on write transactions under concurrent load. A page
                # cache of 64 MiB a connection (2 MiB by default), pages read through mmap
                # rather than copied, and sorts in memory: a search reads tens of thousands
                # of index entries. The map spans SQLite's largest (2 GiB less 64 KiB): a page
                # past its end is read by a system call; at 50,000 practices the file, grown
                # by migrations and bulk loads, passed 1 GiB and searches took 11 % longer.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON; "
                    "PRAGMA cache_size=-65536; PRAGMA mmap_size=2147418112; "
                    "PRAGMA temp_store=MEMORY;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            # Keep the connection between requests: opening it and running the PRAGMAs
            # cost more than a cached page; but not after an error (read-only file, full
            # disk): checked before each request, at no cost (lib/sqlite/base.py).
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            # Tests in memory, as Django does for its own SQLite engine (pytest-django, which
            # knows that engine by its name only, would otherwise make up a file name).
            "TEST": {"NAME": ":memory:"},
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            # Django's, with a health check that costs no round trip (lib/postgresql/base.py).
            "ENGINE": "observatoire.lib.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            # Parameters sent apart from the SQL, and a query run a second time on a connection
            # prepared on the server: its plan is not made again at each request (planning cost
            # more than running most of the site's indexed queries). Behind a pooler in
            # transaction mode, it needs PgBouncer ≥ 1.21 with max_prepared_statements set.
            # No parallel workers for one query: the site's workers already keep the cores busy,
            # and starting them cost a search more (5 ms) than the scan they shared.
            "OPTIONS": {
                "server_side_binding": True,
                "prepare_threshold": 2,
                "options": "-c max_parallel_workers_per_gather=0",
            },
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL non reconnue : {parsed.scheme!r} (sqlite ou postgres attendu)."
    )
