// The operations centre dashboard (government/operations_centre/templates/operations_centre/): map, charts, the pillars' live panels.
// A static file, not inline: the Content-Security-Policy allows scripts from 'self' only. Its
// configuration and translated labels come from the JSON blocks #ioc-config and #ioc-i18n.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("ioc-config").textContent);
  var T = JSON.parse(document.getElementById("ioc-i18n").textContent);
  // Sequential, colour-blind-safe classes (ColorBrewer YlGnBu); reversed when lower is better.
  var PALETTE = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"];
  var fmt = new Intl.NumberFormat(document.documentElement.lang || "vi", {maximumFractionDigits: 2});
  var state = {indicator: cfg.indicator, unit: cfg.unit, higher: cfg.higherIsBetter, values: {}, breaks: []};
  var periodSelect = document.getElementById("id_period");
  var indicatorSelect = document.getElementById("id_indicator");

  function params() {
    var p = new URLSearchParams();
    if (periodSelect) p.set("period", periodSelect.value);
    if (state.indicator) p.set("indicator", state.indicator);
    return p.toString();
  }

  function colour(v) {
    if (v === null || v === undefined) return "#d0d4d8";
    var i = 0;
    while (i < state.breaks.length && v > state.breaks[i]) i++;
    var palette = state.higher ? PALETTE : PALETTE.slice().reverse();
    return palette[Math.min(i, palette.length - 1)];
  }

  function computeBreaks() {
    var vals = Object.values(state.values).filter(function (v) { return v !== null; }).sort(function (a, b) { return a - b; });
    state.breaks = [];
    if (!vals.length) return;
    for (var k = 1; k < PALETTE.length; k++) state.breaks.push(vals[Math.min(vals.length - 1, Math.floor(k * vals.length / PALETTE.length))]);
  }

  function renderLegend() {
    var el = document.getElementById("map-legend");
    if (!el) return;
    var palette = state.higher ? PALETTE : PALETTE.slice().reverse();
    // Swatches coloured through the CSSOM: the Content-Security-Policy refuses inline style attributes.
    function item(background, label) {
      var span = document.createElement("span");
      var swatch = document.createElement("i");
      swatch.style.background = background;
      span.append(swatch, label);
      return span;
    }
    el.textContent = "";
    var lo = null;
    for (var i = 0; i < palette.length; i++) {
      var hi = i < state.breaks.length ? state.breaks[i] : null;
      var label = (lo === null ? "≤ " + (hi === null ? "" : fmt.format(hi)) : hi === null ? "> " + fmt.format(lo) : fmt.format(lo) + "–" + fmt.format(hi));
      el.append(item(palette[i], label), " ");
      lo = hi;
      if (hi === null) break;
    }
    el.append(item("#d0d4d8", T.noData));
  }

  // --- map: the commune polygons on a plain background (no tile server: works offline) ---
  var map = null, layer = null;
  var mapEl = document.getElementById("ioc-map");
  if (mapEl && window.L) {
    map = L.map(mapEl, {scrollWheelZoom: false, zoomSnap: 0.25, attributionControl: true});
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(T.attribution);
    fetch(cfg.geojsonUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (geo) {
      if (cfg.onlyCommune) geo.features = geo.features.filter(function (f) { return f.properties.code === cfg.onlyCommune; });
      layer = L.geoJSON(geo, {
        style: function (f) { return {color: "#555", weight: 1, fillOpacity: 0.85, fillColor: colour(state.values[f.properties.code])}; },
        onEachFeature: function (f, l) {
          l.bindTooltip(function () {
            var v = state.values[f.properties.code];
            return f.properties.name + ": " + (v === null || v === undefined ? T.noData : fmt.format(v) + " " + state.unit);
          }, {sticky: true});
          l.on("click", function () {
            if (cfg.locked) return;
            window.location.href = cfg.communeUrl.replace("/0/", "/" + f.properties.code + "/") + "?" + params();
          });
          l.getElement && l.on("add", function () { var e = l.getElement(); if (e) { e.setAttribute("data-code", f.properties.code); e.classList.add("commune-shape"); } });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds(), {padding: [8, 8]});
      loadValues();
    });
  }

  function restyle() {
    computeBreaks();
    renderLegend();
    if (layer) layer.setStyle(function (f) { return {fillColor: colour(state.values[f.properties.code])}; });
  }

  // --- charts ---
  var seriesChart = null, rankingChart = null;
  function drawSeries(points) {
    var el = document.getElementById("series-chart");
    if (!el || !window.Chart) return;
    var labels = points.map(function (p) { return new Date(p[0]).toLocaleDateString(document.documentElement.lang || "vi"); });
    var data = points.map(function (p) { return p[1]; });
    if (seriesChart) { seriesChart.data.labels = labels; seriesChart.data.datasets[0].data = data; seriesChart.data.datasets[0].label = state.unit; seriesChart.options.scales.y.title.text = state.unit; seriesChart.update(); return; }
    seriesChart = new Chart(el, {type: "line", data: {labels: labels, datasets: [{label: state.unit, data: data, borderColor: "#0b4ea2", backgroundColor: "rgba(11,78,162,.12)", fill: true, pointRadius: 0, tension: 0.2}]},
      // Axes named, values from zero: a reader compares heights, which a cut axis exaggerates.
      options: {responsive: true, maintainAspectRatio: false, animation: false, plugins: {legend: {display: false}},
        scales: {x: {ticks: {maxTicksLimit: 8}, title: {display: true, text: T.axisDate}},
                 y: {beginAtZero: true, title: {display: true, text: state.unit}}}}});
  }
  function drawRanking(rows) {
    var el = document.getElementById("ranking-chart");
    if (!el || !window.Chart) return;
    var box = document.getElementById("ranking-box");
    if (box) box.style.height = (rows.length + 4) + "em";
    var labels = rows.map(function (r) { return r[0]; });
    var data = rows.map(function (r) { return r[1]; });
    var colours = rows.map(function (r) { return colour(r[1]); });
    if (rankingChart) { rankingChart.data.labels = labels; rankingChart.data.datasets[0].data = data; rankingChart.data.datasets[0].backgroundColor = colours; rankingChart.options.scales.x.title.text = state.unit; rankingChart.update(); return; }
    rankingChart = new Chart(el, {type: "bar", data: {labels: labels, datasets: [{data: data, backgroundColor: colours, borderColor: "#555", borderWidth: 0.5}]},
      options: {indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false, plugins: {legend: {display: false}},
        onClick: function (evt, items) { if (items.length) { var code = rows[items[0].index][2]; window.location.href = cfg.communeUrl.replace("/0/", "/" + code + "/") + "?" + params(); } },
        scales: {y: {ticks: {autoSkip: false, font: {size: 11}}, title: {display: true, text: T.axisCommune}},
                 x: {beginAtZero: true, title: {display: true, text: state.unit}}}}});
  }
  function updateRankingTable(rows) {
    var body = document.querySelector("#ranking-table tbody");
    if (!body) return;
    body.innerHTML = "";
    rows.forEach(function (r, i) {
      var tr = document.createElement("tr");
      var a = document.createElement("a");
      a.href = cfg.communeUrl.replace("/0/", "/" + r[2] + "/") + "?" + params();
      a.textContent = r[0];
      var c1 = document.createElement("td"); c1.textContent = String(i + 1);
      var c2 = document.createElement("td"); c2.appendChild(a);
      var c3 = document.createElement("td"); c3.textContent = fmt.format(r[1]);
      tr.append(c1, c2, c3);
      body.appendChild(tr);
    });
  }

  function updateLinks() {
    var q = params();
    ["export-xlsx", "export-pdf"].forEach(function (id) {
      var a = document.getElementById(id);
      if (a) a.href = a.href.split("?")[0] + "?" + q;
    });
    document.querySelectorAll("#back-to-province").forEach(function (a) { a.href = a.href.split("?")[0] + "?" + q; });
    if (window.history && history.replaceState) history.replaceState(null, "", "?" + q);
  }

  function loadValues() {
    if (!state.indicator) return;
    fetch(cfg.valuesUrl + "?" + params(), {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      state.values = {};
      Object.keys(data.values).forEach(function (k) { state.values[parseInt(k, 10)] = data.values[k]; });
      state.unit = data.unit; state.higher = data.higher_is_better;
      var name = document.getElementById("map-indicator-name");
      if (name) name.textContent = data.name;
      var asOf = document.getElementById("map-as-of");
      if (asOf) asOf.textContent = data.as_of ? T.asOf + " " + new Date(data.as_of).toLocaleString(document.documentElement.lang || "vi") : T.noData;
      restyle();
      drawSeries(data.series);
      drawRanking(data.ranking);
      updateRankingTable(data.ranking);
      if (mapEl) mapEl.setAttribute("data-indicator", data.indicator);
      updateLinks();
    });
  }

  if (indicatorSelect) indicatorSelect.addEventListener("change", function () { state.indicator = indicatorSelect.value; loadValues(); });
  if (periodSelect) periodSelect.addEventListener("change", function () { document.getElementById("ioc-filters").submit(); });

  var rankingBox = document.getElementById("ranking-box");
  if (rankingBox && rankingBox.dataset.rows) rankingBox.style.height = (parseInt(rankingBox.dataset.rows, 10) + 4) + "em";
  drawSeries(JSON.parse(document.getElementById("series-data").textContent));
  if (!mapEl) drawRanking(JSON.parse(document.getElementById("ranking-data").textContent));

  // --- the pillars' live panels: each panel's public live feed (its columns come with the panel,
  // core.indicators.registry.Panel), polled without reloading; its snapshot fragment as fallback ---
  Array.prototype.forEach.call(document.querySelectorAll(".live-panel"), function (section) {
    var conf = JSON.parse(section.querySelector("script[type='application/json']").textContent);
    var live = section.querySelector(".panel-live");
    function renderLive(data) {
      var table = document.createElement("table");
      var head = document.createElement("thead");
      var headRow = document.createElement("tr");
      conf.columns.forEach(function (col) { var th = document.createElement("th"); th.textContent = col.label; headRow.appendChild(th); });
      head.appendChild(headRow);
      table.appendChild(head);
      var body = document.createElement("tbody");
      (data[conf.rows] || []).forEach(function (row) {
        var tr = document.createElement("tr");
        conf.columns.forEach(function (col) {
          var td = document.createElement("td");
          var v = row[col.key];
          var text = typeof v === "number" ? fmt.format(v) : (v == null ? "" : v);
          if (col.band) { var s = document.createElement("span"); s.className = "band " + (row[col.band] || ""); s.textContent = text; td.appendChild(s); }
          else td.textContent = text;
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
      table.appendChild(body);
      live.innerHTML = "";
      live.appendChild(table);
      var up = section.querySelector(".panel-updated");
      if (up) up.textContent = T.updated + " " + new Date().toLocaleTimeString(document.documentElement.lang || "vi");
    }
    function pollSnapshots() {
      fetch(section.dataset.panelUrl, {credentials: "same-origin"}).then(function (r) { return r.text(); }).then(function (html) {
        section.querySelector(".panel-snapshots").innerHTML = html;
      });
    }
    function poll() {
      if (conf.url) {
        fetch(conf.url).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); }).then(renderLive).catch(pollSnapshots);
      } else {
        pollSnapshots();
      }
    }
    poll();
    setInterval(poll, 30000);
  });
})();
