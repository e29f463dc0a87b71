// jiandu 执行线索页: draws a banned person's events on a timeline with the vendored ECharts, from
// the page's JSON block (#execution-data): one row per kind of event, violating events filled
// red, the others hollow grey, the ban and listing dates (and lifts) as vertical lines. The table
// under the chart lists the same events.
(function () {
  "use strict";

  function empty(box, text) {
    var note = document.createElement("p");
    note.className = "chart-empty";
    note.textContent = text;
    box.appendChild(note);
  }

  var PAD = 20 * 86400000;  // twenty days either side, so no event sits on an axis

  function point(e) {
    return { value: [e.date, e.kind], event: e };
  }

  function draw(box, data) {
    if (!data.events.length && !data.marks.length) { empty(box, "没有可画的事件。"); return null; }
    var chart = echarts.init(box);
    var marks = data.marks.map(function (m) {
      return {
        xAxis: m.date,
        label: { formatter: m.label, position: "start" },  // the top: the category axis is inverted
        lineStyle: { color: m.kind === "end" ? "#2c7a4b" : "#b03a2e", type: m.kind === "end" ? "dashed" : "solid", width: 2 }
      };
    });
    chart.setOption({
      animation: false,
      legend: { top: 4, data: ["违规事件", "未计入的事件"] },
      grid: { left: 64, right: 40, top: 56, bottom: 40 },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var e = p.data.event;
          var esc = function (s) { return String(s).replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); };
          return esc(e.date + " " + e.kind + " " + e.grade) + "<br>" + esc(e.detail) + "<br>" +
            (e.violating ? "违规" : "未计入：" + esc(e.note));
        }
      },
      xAxis: {
        type: "time", splitLine: { show: false },
        min: function (v) { return v.min - PAD; }, max: function (v) { return v.max + PAD; }
      },
      yAxis: { type: "category", data: data.rows, inverse: true },
      series: [
        {
          name: "违规事件", type: "scatter", symbolSize: 14,
          itemStyle: { color: "#b03a2e" },
          data: data.events.filter(function (e) { return e.violating; }).map(point),
          markLine: { symbol: "none", silent: true, data: marks }
        },
        {
          name: "未计入的事件", type: "scatter", symbol: "emptyCircle", symbolSize: 12,
          itemStyle: { color: "#8a94a6", borderWidth: 2 },
          data: data.events.filter(function (e) { return !e.violating; }).map(point)
        }
      ]
    });
    box.setAttribute("data-drawn", "1");
    return chart;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.getElementById("execution-data");
    var box = document.getElementById("execution-chart");
    if (!holder || !box) { return; }
    if (typeof echarts === "undefined") { empty(box, "图表组件未能载入，请参阅下表。"); return; }
    var chart = draw(box, JSON.parse(holder.textContent));
    if (chart) { window.addEventListener("resize", function () { chart.resize(); }); }
  });
})();
