// Charts of a scorecard's report page (ECharts): score distribution of good and bad applicants, and
// calibration (mean predicted PD against the observed bad rate by score decile). Data comes from the
// <script type="application/json"> block the page writes; no inline script (Content-Security-Policy).
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];
  var dist = data.distribution;
  var distEl = document.getElementById("chart-distribution");
  if (dist && distEl) {
    var labels = dist.edges.slice(0, -1).map(function (edge, i) { return edge + "–" + dist.edges[i + 1]; });
    var chart = echarts.init(distEl);
    chart.setOption({
      title: { text: "分数分布（交叉验证样本外）", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { top: 4, right: 8 },
      grid: { left: 50, right: 16, top: 40, bottom: 60 },
      xAxis: { type: "category", data: labels, axisLabel: { rotate: 45 } },
      yAxis: { type: "value", name: "人数" },
      series: [
        { type: "bar", name: "好客户", data: dist.good },
        { type: "bar", name: "坏客户", data: dist.bad },
      ],
    });
    charts.push(chart);
  }
  var cal = data.calibration;
  var calEl = document.getElementById("chart-calibration");
  if (cal && calEl) {
    var chart2 = echarts.init(calEl);
    chart2.setOption({
      title: { text: "校准：预测违约概率 vs 实际坏账率", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { top: 4, right: 8 },
      grid: { left: 50, right: 16, top: 40, bottom: 36 },
      xAxis: { type: "category", data: cal.map(function (row) { return "第" + row.group + "组"; }) },
      yAxis: { type: "value", axisLabel: { formatter: function (v) { return (v * 100).toFixed(0) + "%"; } } },
      series: [
        { type: "line", name: "预测违约概率", data: cal.map(function (row) { return row.mean_pd; }) },
        { type: "line", name: "实际坏账率", data: cal.map(function (row) { return row.bad_rate; }) },
      ],
    });
    charts.push(chart2);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
