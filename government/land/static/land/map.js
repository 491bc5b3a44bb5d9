/* The land map (Leaflet, vendored; no inline script so a strict CSP holds).
 * - #land-map: the province's communes from the start; from zoom 16 the parcels of the visible
 *   area only (GeoJSON API, simplified server-side, capped per page). A tap anywhere opens the
 *   parcel sheet through the public coordinate lookup (a normal page load: works on any phone).
 * - #parcel-map: one parcel's outline on its sheet.
 * No basemap tiles: the portal assumes no Internet on the user's side.
 */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var PARCEL_ZOOM = 16;
  var COLORS = {ONT: "#e67e22", ODT: "#d35400", LUC: "#f1c40f", LUK: "#f7dc6f", BHK: "#f9e79f", HNK: "#f9e79f",
    CLN: "#27ae60", RSX: "#1e8449", RPH: "#145a32", RDD: "#0b5345", NTS: "#3498db", DGT: "#95a5a6"};

  function style(feature) {
    var code = feature.properties && feature.properties.land_use;
    return {color: "#333", weight: 1, fillColor: COLORS[code] || "#bdc3c7", fillOpacity: 0.55};
  }

  function mainMap(el) {
    var map = L.map(el, {minZoom: 8, maxZoom: 20}).setView([21.85, 106.76], 9);
    var hint = L.control({position: "topright"});
    hint.onAdd = function () { var d = L.DomUtil.create("div", "zoom-hint"); d.textContent = el.dataset.zoomHint; return d; };
    hint.addTo(map);
    fetch(el.dataset.communesUrl).then(function (r) { return r.json(); }).then(function (data) {
      L.geoJSON(data, {style: {color: "#555", weight: 1, fill: false}, interactive: false}).addTo(map);
    });
    var parcels = L.geoJSON(null, {style: style}).addTo(map);
    var pending = null;
    function refresh() {
      var z = map.getZoom();
      hint.getContainer().style.display = z >= PARCEL_ZOOM ? "none" : "";
      if (z < PARCEL_ZOOM) { parcels.clearLayers(); return; }
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); }).join(",");
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(el.dataset.parcelsUrl + "?bbox=" + bbox, {signal: pending.signal})
        .then(function (r) { return r.ok ? r.json() : {features: []}; })
        .then(function (data) { parcels.clearLayers(); parcels.addData(data); el.dataset.loaded = String(data.features.length); })
        .catch(function () {});
    }
    map.on("moveend", refresh);
    map.on("click", function (e) {
      var url = el.dataset.lookupUrl + "?by=coords&system=wgs84&first=" + e.latlng.lat.toFixed(7) + "&second=" + e.latlng.lng.toFixed(7);
      window.location.assign(url);
    });
    // Tests and links may open the map at a place: #16/21.85/106.76
    var m = /^#(\d+)\/([\d.]+)\/([\d.]+)$/.exec(window.location.hash);
    if (m) { map.setView([parseFloat(m[2]), parseFloat(m[3])], parseInt(m[1], 10)); }
    el.dataset.ready = "1";
  }

  function parcelMap(el) {
    var geometry = JSON.parse(el.dataset.geojson);
    var map = L.map(el, {zoomControl: true, attributionControl: false});
    var layer = L.geoJSON(geometry, {style: {color: "#c0392b", weight: 2, fillOpacity: 0.2}}).addTo(map);
    map.fitBounds(layer.getBounds(), {maxZoom: 19, padding: [20, 20]});
  }

  var main = document.getElementById("land-map");
  if (main) { mainMap(main); }
  var one = document.getElementById("parcel-map");
  if (one) { parcelMap(one); }
}());
