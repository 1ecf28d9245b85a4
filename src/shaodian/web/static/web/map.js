// Boundaries of a node and its children on a plain background: no tile server (the intranet is offline).
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("map");
  var data = document.getElementById("map-data");
  if (!el || !data || !window.L) return;
  var spec = JSON.parse(data.textContent);
  var map = L.map(el, { attributionControl: false, zoomSnap: 0.25, zoomControl: false });
  // Leaflet's own button titles are English: the page's language comes from the base template.
  var text = document.body.dataset;
  L.control.zoom({ zoomInTitle: text.zoomIn || "+", zoomOutTitle: text.zoomOut || "-" }).addTo(map);
  // The view must exist before anything is added (Leaflet needs a zoom to place markers).
  var layer = L.geoJSON({ type: "FeatureCollection", features: spec.features }, {
    style: function (f) {
      return f.properties.self
        ? { color: "#b42318", weight: 2, fill: false }
        : { color: "#1849a9", weight: 1, fillColor: "#1849a9", fillOpacity: 0.06 };
    },
    onEachFeature: function (f, lyr) {
      if (f.properties.self) return;
      lyr.bindTooltip(f.properties.name, { permanent: spec.features.length <= 25, direction: "center", className: "map-label" });
      if (f.properties.url) lyr.on("click", function () { window.location.href = f.properties.url; });
    },
  });
  map.fitBounds(layer.getBounds(), { padding: [8, 8] });
  layer.addTo(map);
  (spec.points || []).forEach(function (p) {
    L.circleMarker([p[0], p[1]], { radius: 5, color: "#b42318", weight: 1, fillOpacity: 0.8 }).bindTooltip(p[2]).addTo(map);
  });
});
