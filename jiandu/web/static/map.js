// jiandu 地图: draws /map and the map of an oil or hotel clue with the vendored ECharts on the
// vendored province boundaries, from the page's JSON data block (#map-data, built by
// jiandu/web/maps.py). Every coordinate in the block is already WGS-84. Band colours are read
// from the page's CSS (.band-red/.band-yellow/.band-green), the one definition the queue uses.
(function () {
  "use strict";

  var BANDS = [["red", "红色线索"], ["yellow", "黄色线索"], ["green", "绿色线索"]];

  function bandColour(band) {
    var probe = document.createElement("span");
    probe.className = "band band-" + band + " band-probe";
    document.body.appendChild(probe);
    var colour = window.getComputedStyle(probe).backgroundColor;
    document.body.removeChild(probe);
    return colour;
  }

  function empty(box, text) {
    var note = document.createElement("p");
    note.className = "chart-empty";
    note.textContent = text;
    box.appendChild(note);
  }

  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c];
    });
  }

  function placeTip(x) {
    var lines = ["<b>" + esc(x.name) + "</b>（" + esc(x.kind) + "）"];
    if (x.band) { lines.push("线索等级：" + { red: "红色", yellow: "黄色", green: "绿色" }[x.band]); }
    if (x.score != null) { lines.push("分值：" + x.score); }
    if (x.address) { lines.push("地址：" + esc(x.address)); }
    lines.push("经纬度（WGS-84）：" + x.lon.toFixed(5) + "，" + x.lat.toFixed(5));
    return lines.join("<br>");
  }

  function series(data) {
    var out = [];
    if (data.tracks && data.tracks.length) {
      out.push({
        name: "行驶轨迹", type: "lines", coordinateSystem: "geo", polyline: true, silent: false,
        lineStyle: { color: "#6b7785", width: 1.5, opacity: 0.7 },
        tooltip: { formatter: function (p) { return esc(p.data.plate) + " " + esc(p.data.start) + " 前后的轨迹"; } },
        data: data.tracks.map(function (t) { return { coords: t.coords, plate: t.plate, start: t.start }; })
      });
    }
    if (data.registered && data.registered.length) {
      out.push({
        name: "登记场所（无线索）", type: "scatter", coordinateSystem: "geo", symbolSize: 5,
        itemStyle: { color: "#9aa5b1", opacity: 0.8 },
        tooltip: { formatter: function (p) { return placeTip(p.data.x); } },
        data: data.registered.map(function (x) { return { value: [x.lon, x.lat], x: x }; })
      });
    }
    if (data.density && data.density.length) {
      var top = data.density.reduce(function (m, d) { return Math.max(m, d.clues); }, 1);
      out.push({
        name: "区县线索数", type: "scatter", coordinateSystem: "geo",
        symbolSize: function (v) { return 14 + 36 * Math.sqrt(v[2] / top); },
        itemStyle: { color: "rgba(44, 93, 143, 0.35)", borderColor: "#2c5d8f" },
        label: { show: true, formatter: function (p) { return p.data.county + " " + p.data.value[2]; }, color: "#1f2933", fontSize: 11 },
        tooltip: { formatter: function (p) { return esc(p.data.name) + "：线索 " + p.data.value[2] + " 条"; } },
        data: data.density.map(function (d) { return { name: d.name, county: d.county, value: [d.lon, d.lat, d.clues] }; })
      });
    }
    if (data.stops && data.stops.length) {
      out.push({
        name: "进站停留", type: "scatter", coordinateSystem: "geo", symbolSize: 8,
        itemStyle: { color: "#e67e22", borderColor: "#fff", borderWidth: 1 },
        tooltip: {
          formatter: function (p) {
            var s = p.data.s;
            return esc(s.plate) + "<br>" + esc(s.start) + " 至 " + esc(s.end) + "，停留 " + s.dwell + " 分钟" +
              "<br>到站载货状态：" + esc(s.load) + "，" + esc(s.waybill) + "<br>距站点 " + s.distance + " 米";
          }
        },
        data: data.stops.map(function (s) { return { value: [s.lon, s.lat], s: s }; })
      });
    }
    BANDS.forEach(function (b) {
      var mine = (data.points || []).filter(function (x) { return x.band === b[0]; });
      if (!mine.length) { return; }
      out.push({
        name: b[1], type: "scatter", coordinateSystem: "geo", symbolSize: 11, z: 5,
        itemStyle: { color: bandColour(b[0]), borderColor: "#fff", borderWidth: 1 },
        tooltip: { formatter: function (p) { return placeTip(p.data.x); } },
        data: mine.map(function (x) { return { value: [x.lon, x.lat], x: x }; })
      });
    });
    return out;
  }

  function draw(box, data, geo) {
    echarts.registerMap("jiandu-provinces", geo);
    var chart = echarts.init(box);
    var drawn = series(data);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item" },
      legend: { top: 6, left: 8, orient: "vertical", data: drawn.map(function (s) { return s.name; }) },
      geo: {
        map: "jiandu-provinces", roam: true, boundingCoords: data.extent,
        label: { show: false }, emphasis: { label: { show: true } },
        itemStyle: { areaColor: "#ffffff", borderColor: "#98a6b5" },
        tooltip: { show: true, formatter: function (p) { return esc(p.name); } }
      },
      series: drawn
    });
    chart.on("click", function (p) {
      if (p.data && p.data.x && p.data.x.clue) { window.location.href = "/clues/" + encodeURIComponent(p.data.x.clue); }
    });
    return chart;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.getElementById("map-data");
    var box = document.getElementById("clue-map");
    if (!holder || !box || typeof echarts === "undefined") { return; }
    var data = JSON.parse(holder.textContent);
    function load(url) {
      return fetch(url, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); });
    }
    // the provinces, with the county boundaries (Zhejiang's) drawn over them for context
    Promise.all([load(data.boundaries), data.counties ? load(data.counties) : null])
      .then(function (files) {
        var geo = files[0];
        if (files[1]) { geo = { type: "FeatureCollection", features: geo.features.concat(files[1].features) }; }
        var chart = draw(box, data, geo);
        box.setAttribute("data-drawn", "1");
        window.addEventListener("resize", function () { chart.resize(); });
      })
      .catch(function () { empty(box, "边界数据未能载入，地图无法显示。"); });
  });
})();
