// jiandu 统计分析: draws the trend chart and the county density map with the vendored ECharts
// from the page's JSON data block (#stats-data). The tables on the page carry the same numbers.
(function () {
  "use strict";

  function empty(box, text) {
    var note = document.createElement("p");
    note.className = "chart-empty";
    note.textContent = text;
    box.appendChild(note);
  }

  function trend(box, data) {
    var chart = echarts.init(box);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 4 },
      grid: { left: 48, right: 24, top: 48, bottom: 40 },
      xAxis: { type: "category", data: data.periods },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) {
        return { name: s.name, type: "line", data: s.data, symbolSize: 6 };
      })
    });
    return chart;
  }

  function countyMap(box, data, geo) {
    var wanted = {};
    data.map.regions.forEach(function (r) { wanted[r.name] = r; });
    var features = geo.features.filter(function (f) { return wanted[f.properties.name]; });
    if (!features.length) { empty(box, "辖区内没有可画入地图的区县。"); return null; }
    echarts.registerMap("jiandu-counties", { type: "FeatureCollection", features: features });
    var top = data.map.regions.reduce(function (m, r) { return Math.max(m, r.value); }, 0);
    var chart = echarts.init(box);
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var r = wanted[p.name];
          return (r ? r.region : p.name) + "：" + (r ? r.value : 0) + " 件";
        }
      },
      visualMap: {
        min: 0, max: Math.max(top, 1), left: 12, bottom: 12, calculable: true,
        text: ["多", "少"], inRange: { color: ["#e8f0f8", "#2c5d8f"] }
      },
      series: [{
        type: "map", map: "jiandu-counties", roam: false,
        label: { show: true, fontSize: 11 },
        data: data.map.regions.map(function (r) { return { name: r.name, value: r.value }; })
      }]
    });
    return chart;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.getElementById("stats-data");
    if (!holder || typeof echarts === "undefined") { return; }
    var data = JSON.parse(holder.textContent);
    var charts = [];
    var trendBox = document.getElementById("trend-chart");
    if (trendBox) { charts.push(trend(trendBox, data)); }
    var mapBox = document.getElementById("county-map");
    if (mapBox) {
      fetch(data.boundaries, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
        .then(function (geo) {
          var chart = countyMap(mapBox, data, geo);
          if (chart) { charts.push(chart); mapBox.setAttribute("data-drawn", "1"); }
        })
        .catch(function () { empty(mapBox, "区县边界数据未能载入，地图无法显示。"); });
    }
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { if (c) { c.resize(); } });
    });
  });
})();
