// The directory's map (templates/directory/cooperative_map.html): the départements' outlines
// shipped with the site as basemap (or the operator's tiles or PMTiles archive, MAP_TILE_URL),
// the cooperatives of the list's filters as clustered points, each with a popup linking to its
// page; the overseas départements in small maps of their own. Points come from the GeoJSON
// endpoint; nothing is loaded from another site. Texts come from the page (data-*), so that
// they are translated.
"use strict";

(() => {
  const element = document.getElementById("carte");
  if (!element || typeof L === "undefined") return;
  const status = document.getElementById("map-status");
  const say = (text) => { if (status) status.textContent = text; };
  const data = element.dataset;
  const FRANCE = [[41.3, -5.2], [51.1, 9.6]];
  const OUTLINE = { color: "#6c7180", weight: 1, fillColor: "#fbfaf6", fillOpacity: 1 };

  const newMap = (container, options) => {
    const map = L.map(container, { zoomSnap: 0.25, minZoom: 3, maxZoom: 16, ...options });
    if (data.tiles && "pmtiles" in data) {
      // One raster PMTiles archive, read by range requests (vendor/pmtiles).
      if (typeof pmtiles !== "undefined") {
        pmtiles.leafletRasterLayer(new pmtiles.PMTiles(data.tiles), {
          attribution: data.attribution, maxZoom: 18,
        }).addTo(map);
      }
    } else if (data.tiles) {
      L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 18 }).addTo(map);
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
    if (!data.tiles) L.geoJSON(geojson, { style: OUTLINE, interactive: false }).addTo(main);
    for (const inset of insets) {
      const own = geojson.features.filter((f) => f.properties.code === inset.code);
      const layer = L.geoJSON({ type: "FeatureCollection", features: own }, {
        style: OUTLINE, interactive: false,
      });
      if (!data.tiles) layer.addTo(inset.map);
      if (own.length) inset.map.fitBounds(layer.getBounds(), { padding: [4, 4] });
      inset.bounds = own.length ? layer.getBounds().pad(0.2) : null;
    }
  });

  say(data.loading);
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
    say("");
  }).catch((error) => {
    say(data.failed);
    element.dataset.error = String(error);
  });
})();
