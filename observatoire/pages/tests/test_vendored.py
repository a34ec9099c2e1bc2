"""The front-end code we serve is the pinned packages' own, unchanged: each file vendored into
static/vendor/ equals its copy in node_modules (installed by `make npm` from package-lock.json)."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
VENDOR = ROOT / "static" / "vendor"
PACKAGES = ROOT / "node_modules"

# vendored directory → (npm package, {vendored file: file in the package})
VENDORED = {
    "htmx-2.0.11": ("htmx.org", {"htmx.min.js": "dist/htmx.min.js"}),
    "leaflet-1.9.4": (
        "leaflet",
        {
            "leaflet.js": "dist/leaflet.js",
            "leaflet.js.map": "dist/leaflet.js.map",
            "leaflet.css": "dist/leaflet.css",
            "LICENSE": "LICENSE",
            **{
                f"images/{name}": f"dist/images/{name}"
                for name in (
                    "layers.png",
                    "layers-2x.png",
                    "marker-icon.png",
                    "marker-icon-2x.png",
                    "marker-shadow.png",
                )
            },
        },
    ),
    # PMTiles (BSD-3-Clause, the licence its package.json names; the package ships no file of
    # it): its raster layer for Leaflet, loaded only when MAP_TILE_URL names a .pmtiles archive.
    "pmtiles-4.5.0": (
        "pmtiles",
        {"pmtiles.js": "dist/pmtiles.js", "pmtiles.js.map": "dist/pmtiles.js.map"},
    ),
    "leaflet.markercluster-1.5.3": (
        "leaflet.markercluster",
        {
            "leaflet.markercluster.js": "dist/leaflet.markercluster.js",
            "leaflet.markercluster.js.map": "dist/leaflet.markercluster.js.map",
            "MarkerCluster.css": "dist/MarkerCluster.css",
            "MarkerCluster.Default.css": "dist/MarkerCluster.Default.css",
            "MIT-LICENCE.txt": "MIT-LICENCE.txt",
        },
    ),
}


@pytest.mark.parametrize("directory", sorted(VENDORED))
def test_vendored_files_are_the_pinned_packages_own(directory):
    package, files = VENDORED[directory]
    installed = PACKAGES / package
    if not installed.exists():
        pytest.skip("make npm")
    version = json.loads((installed / "package.json").read_text())["version"]
    assert directory.endswith(f"-{version}"), (directory, version)
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"][package]
    assert pinned == version
    for vendored, original in files.items():
        assert (VENDOR / directory / vendored).read_bytes() == (
            installed / original
        ).read_bytes(), vendored
    served = {str(p.relative_to(VENDOR / directory)) for p in (VENDOR / directory).rglob("*")}
    assert {p for p in served if not (VENDOR / directory / p).is_dir()} == set(files)
