// The directory's map (templates/directory/cooperative_map.html): the départements' outlines
// shipped with the site as basemap, under the operator's tiles or PMTiles archive when there is
// one (MAP_TILE_URL), so that the map keeps a background when the tiles fail, as they may on a
// self-hosted site; the cooperatives of the list's filters as clustered points, each with a popup
// linking to its page; the overseas départements in small maps of their own. Points come from the
// GeoJSON endpoint; nothing is loaded from another site. Texts come from the page (data-*), so
// that they are translated.
"use strict";

(() => {
  const element = document.getElementById("carte");
  if (!element || typeof L === "undefined") return;
  const status = document.getElementById("map-status");
  const messages = { points: "", basemap: "" };
  const say = (about, text) => {
    messages[about] = text;
    if (status) status.textContent = [messages.points, messages.basemap].filter(Boolean).join(" ");
  };
  const data = element.dataset;
  const FRANCE = [[41.3, -5.2], [51.1, 9.6]];
  const OUTLINE = { color: "#6c7180", weight: 1, fillColor: "#fbfaf6", fillOpacity: 1 };
  const OUTLINES = { style: OUTLINE, interactive: false, pane: "outlines" };

  // Said once, however many tiles fail: the outlines, under the tiles, stay in view.
  const tilesFailed = (error) => {
    if ("basemapError" in data) return;
    data.basemapError = String(error);
    say("basemap", data.basemapFailed);
  };

  // pmtiles' Leaflet layer neither tells Leaflet of a tile it could not read nor catches the
  // error: the tiles are read through this, which reports the failure and leaves the tile empty.
  const archiveOf = (url) => {
    const archive = new pmtiles.PMTiles(url);
    return {
      getHeader: () => archive.getHeader(),
      getZxy: (z, x, y, signal) => archive.getZxy(z, x, y, signal).catch((error) => {
        if (error.name === "AbortError") throw error;
        tilesFailed(error);
        return undefined;
      }),
    };
  };
  // The archive's header, read once for every map: the layer is added only if it is readable
  // and holds raster tiles (a 404, another file, a vector archive leave the outlines alone).
  const reader = data.tiles && "pmtiles" in data && typeof pmtiles !== "undefined"
    ? archiveOf(data.tiles) : null;
  const header = reader && reader.getHeader().then((found) => {
    if (![2, 3, 4, 5].includes(found.tileType)) throw new Error(`tileType ${found.tileType}`);
  });
  if (header) header.catch(tilesFailed);
  else if (data.tiles && "pmtiles" in data) tilesFailed(new Error("pmtiles.js missing"));

  const newMap = (container, options) => {
    const map = L.map(container, { zoomSnap: 0.25, minZoom: 3, maxZoom: 16, ...options });
    map.createPane("outlines").style.zIndex = 150; // under the tiles (200)
    const tileOptions = { attribution: data.attribution, maxZoom: 18 };
    if (header) {
      // One raster PMTiles archive, read by range requests (vendor/pmtiles).
      header.then(() => pmtiles.leafletRasterLayer(reader, tileOptions).addTo(map), () => {});
    } else if (data.tiles && !("pmtiles" in data)) {
      L.tileLayer(data.tiles, tileOptions)
        .on("tileerror", (event) => tilesFailed(`tile ${event.tile.src}`)).addTo(map);
    }
    return map;
  };

  const main = newMap(element, { minZoom: 4, keyboard: true });
  main.fitBounds(FRANCE);
  main.attributionControl.setPrefix(false);

  const popupOf = (properties) => {
    const box = document.createElement("div");
    const title = document.createElement("p");
    const link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.name;
    title.className = "map-popup-title";
    title.append(link);
    const facts = document.createElement("p");
    facts.textContent = `${properties.form} · ${properties.commune}`;
    box.append(title, facts);
    return box;
  };

  const markerOf = (feature, latlng) => L.marker(latlng, {
    icon: L.divIcon({ className: "map-point", iconSize: [14, 14] }),
    title: `${feature.properties.name} (${feature.properties.commune})`,
    keyboard: true,
  }).bindPopup(() => popupOf(feature.properties));

  const insets = [...document.querySelectorAll(".map-inset")].map((container) => ({
    code: container.dataset.code,
    map: newMap(container, {
      zoomControl: false, attributionControl: false, keyboard: false, scrollWheelZoom: false,
    }),
  }));

  const outlines = fetch(data.basemap).then((response) => response.json()).then((geojson) => {
    L.geoJSON(geojson, OUTLINES).addTo(main);
    for (const inset of insets) {
      const own = geojson.features.filter((f) => f.properties.code === inset.code);
      const layer = L.geoJSON({ type: "FeatureCollection", features: own }, OUTLINES)
        .addTo(inset.map);
      if (own.length) inset.map.fitBounds(layer.getBounds(), { padding: [4, 4] });
      inset.bounds = own.length ? layer.getBounds().pad(0.2) : null;
    }
  });

  say("points", data.loading);
  const points = fetch(data.points, { headers: { Accept: "application/geo+json" } })
    .then((response) => {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    });

  Promise.all([points, outlines]).then(([geojson]) => {
    const clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
    const metropole = [];
    const overseas = insets.map(() => []);
    for (const feature of geojson.features) {
      const [longitude, latitude] = feature.geometry.coordinates;
      const latlng = L.latLng(latitude, longitude);
      const where = insets.findIndex((inset) => inset.bounds && inset.bounds.contains(latlng));
      (where >= 0 ? overseas[where] : metropole).push(markerOf(feature, latlng));
    }
    // Added together, so that the plugin clusters them in one pass rather than point by point.
    main.addLayer(clusters);
    clusters.addLayers(metropole);
    insets.forEach((inset, index) => {
      if (overseas[index].length) {
        const group = L.markerClusterGroup({ showCoverageOnHover: false });
        inset.map.addLayer(group);
        group.addLayers(overseas[index]);
      }
    });
    element.dataset.loaded = String(geojson.features.length);
    // When the map was drawn, from the start of the page's navigation (checked by a test).
    element.dataset.drawnMs = String(Math.round(performance.now()));
    say("points", "");
  }).catch((error) => {
    say("points", data.failed);
    element.dataset.error = String(error);
  });
})();
