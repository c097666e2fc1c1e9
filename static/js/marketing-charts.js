// Charts of the marketing reports (ECharts): results per source, territories, one territory's customers.
// The page writes <script type="application/json" id="chart-data">{"charts": [...]}</script>; no inline
// script (Content-Security-Policy). Each chart: {el, labels, bars: {name, data}, line?: {name, data of
// fractions or null}, horizontal?}. Bars read on the left axis, the line (a rate) as a percent on the right.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var spec = JSON.parse(source.textContent);
  var narrow = window.matchMedia("(max-width: 575.98px)").matches;
  var brand = getComputedStyle(document.documentElement).getPropertyValue("--cd-brand").trim() || "#9f1d20";
  var bar = "#4a78b0"; // amounts and counts in a quiet blue; the rate (a risk) in the brand's red
  var charts = [];

  function percent(v) { return v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%"; }
  function shortLabel(text) { return narrow && text.length > 5 ? text.slice(0, 5) + "…" : text; }

  (spec.charts || []).forEach(function (c) {
    var el = document.getElementById(c.el);
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var option;
    if (c.horizontal) {
      el.style.height = Math.max(220, 28 * c.labels.length + 60) + "px";
      chart.resize();
      option = {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 8, right: 32, top: 12, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: c.labels, inverse: true, axisLabel: { width: narrow ? 90 : 160, overflow: "truncate" } },
        series: [{ type: "bar", name: c.bars.name, data: c.bars.data, itemStyle: { color: bar }, barMaxWidth: 22,
          label: { show: true, position: "right" } }],
      };
    } else {
      var series = [{ type: "bar", name: c.bars.name, data: c.bars.data, itemStyle: { color: bar }, barMaxWidth: 36 }];
      var yAxes = [{ type: "value", name: c.bars.name, nameTextStyle: { align: "left" }, minInterval: c.bars.integer ? 1 : 0 }];
      if (c.line) {
        // a rate per category, drawn as points (a line between sources would suggest a trend)
        series.push({ type: "scatter", name: c.line.name, yAxisIndex: 1, data: c.line.data, symbolSize: 11,
          itemStyle: { color: c.line.color || brand },
          label: { show: true, position: "top", formatter: function (p) { return p.value ? percent(p.value) : ""; } },
          tooltip: { valueFormatter: percent } });
        yAxes.push({ type: "value", name: c.line.name, min: 0, nameTextStyle: { align: "right" },
          axisLabel: { formatter: function (v) { return (v * 100).toFixed(0) + "%"; } }, splitLine: { show: false } });
      }
      option = {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 8, right: 8, top: 56, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: c.labels,
          axisLabel: { interval: 0, rotate: c.labels.length > 4 || narrow ? 30 : 0, formatter: shortLabel } },
        yAxis: yAxes,
        series: series,
      };
    }
    chart.setOption(option);
    el.setAttribute("data-drawn", "true");
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
