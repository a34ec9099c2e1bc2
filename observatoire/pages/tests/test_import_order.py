"""Imports flow one way (STYLE.md): an app imports only itself and the apps below it.

Every module under ``observatoire/`` is parsed (``ast``, nothing is imported): ``import x`` and
``from x import y`` alike, at the top of the module or inside a function, a class or an
``if TYPE_CHECKING:`` block, relative imports included. Tests folders and migrations are left
out; the project's own modules (settings, urls, wsgi, asgi) sit above every app. An app missing
from ``LAYERS`` is a failure too: a new app takes its place in the order first.
"""

import ast
from pathlib import Path

PACKAGE = "observatoire"
ROOT = Path(__file__).resolve().parents[2]

# Top to bottom. Apps of one layer do not import each other (sibling feature apps stay apart).
LAYERS: list[set[str]] = [
    {"pages", "directory", "api", "figures"},
    {"community", "business", "events", "deadlines", "mentoring", "consultations", "resources"},
    {"practices"},
    {"notifications"},
    {"accounts"},
    {"network"},
    {"search"},
    {"lib"},
]
LAYER_OF = {app: depth for depth, apps in enumerate(LAYERS) for app in apps}
TOP = "(project)"  # settings.py, urls.py, wsgi.py, asgi.py: they wire every app together
SKIPPED_FOLDERS = {"tests", "migrations", "__pycache__"}


def modules() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not SKIPPED_FOLDERS.intersection(path.relative_to(ROOT).parts)
    )


def dotted_name(path: Path) -> list[str]:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def app_of(parts: list[str]) -> str:
    """The app a dotted name belongs to: observatoire.<app>.…; the project's own modules (and
    the package itself) are TOP."""
    if len(parts) < 2 or parts[0] != PACKAGE:
        return TOP
    if (ROOT / parts[1]).is_dir():
        return parts[1]
    return TOP


def imported_names(path: Path) -> list[tuple[int, list[str]]]:
    """(line, dotted name) of every import of our package in the module, wherever it is."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    own = dotted_name(path)
    package = own if path.name == "__init__.py" else own[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x, from ..practices import y
                base = package[: len(package) - node.level + 1]
                target = base + (node.module.split(".") if node.module else [])
                if not node.module:
                    found += [(node.lineno, target + [alias.name]) for alias in node.names]
                    continue
                found.append((node.lineno, target))
            elif node.module:
                found.append((node.lineno, node.module.split(".")))
                # from observatoire import practices
                if node.module == PACKAGE:
                    found += [(node.lineno, [PACKAGE, alias.name]) for alias in node.names]
    return [(line, name) for line, name in found if name and name[0] == PACKAGE]


def allowed(source: str, target: str) -> bool:
    if source in (target, TOP):
        return True
    if target == TOP:
        return False  # no app imports settings or urls modules of the project (use django.conf)
    return LAYER_OF[target] > LAYER_OF[source]


def violations() -> list[str]:
    found = []
    for path in modules():
        source = app_of(dotted_name(path))
        where = path.relative_to(ROOT.parent)
        if source != TOP and source not in LAYER_OF:
            found.append(f"{where}: app « {source} » has no place in LAYERS")
            continue
        for line, name in imported_names(path):
            target = app_of(name)
            if target != TOP and target not in LAYER_OF:
                found.append(f"{where}:{line}: {source} → {target} (not in LAYERS)")
            elif not allowed(source, target):
                found.append(f"{where}:{line}: {source} → {target} ({'.'.join(name)})")
    return found


def test_every_app_has_a_place_in_the_order():
    apps = {path.name for path in ROOT.iterdir() if (path / "__init__.py").exists()}
    assert apps - set(LAYER_OF) == set()


def test_imports_flow_down_the_layers():
    found = violations()
    assert not found, "Imports against the order (STYLE.md):\n" + "\n".join(found)


def test_the_checker_sees_imports_everywhere(tmp_path, monkeypatch):
    """An upward import inside a function, a relative one and a plain ``import`` all count."""
    package = tmp_path / PACKAGE
    for app in ("lib", "network", "practices"):
        (package / app).mkdir(parents=True)
        (package / app / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "network" / "views.py").write_text(
        "def view():\n    from observatoire.practices.models import Practice\n"
    )
    (package / "lib" / "text.py").write_text(
        "from ..network import views\nimport observatoire.practices\n"
    )
    (package / "practices" / "models.py").write_text(
        "from observatoire.network.models import Cooperative\nfrom . import search\n"
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", package)
    assert sorted(violations()) == [
        "observatoire/lib/text.py:1: lib → network (observatoire.network)",
        "observatoire/lib/text.py:2: lib → practices (observatoire.practices)",
        "observatoire/network/views.py:2: network → practices (observatoire.practices.models)",
    ]
