// Charts of the calculator page (ECharts). Data comes from the <script type="application/json">
// block written by the page; no inline script (Content-Security-Policy).
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var toNumber = function (values) { return values.map(Number); };
  var common = {
    animation: data.labels.length <= 120,  // long schedules draw at once
    grid: { left: 70, right: 16, top: 36, bottom: 36 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.labels, name: "期" },
  };
  var balance = echarts.init(document.getElementById("chart-balance"));
  balance.setOption(Object.assign({}, common, {
    title: { text: "剩余本金", textStyle: { fontSize: 14 } },
    yAxis: { type: "value" },
    series: [{ type: "line", name: "剩余本金", data: toNumber(data.balance), showSymbol: false, areaStyle: {} }],
  }));
  var split = echarts.init(document.getElementById("chart-split"));
  split.setOption(Object.assign({}, common, {
    title: { text: "每期本金与利息", textStyle: { fontSize: 14 } },
    legend: { top: 4, right: 8 },
    yAxis: { type: "value" },
    series: [
      { type: "bar", name: "本金", stack: "pay", data: toNumber(data.principal) },
      { type: "bar", name: "利息", stack: "pay", data: toNumber(data.interest) },
    ],
  }));
  window.addEventListener("resize", function () { balance.resize(); split.resize(); });
});
