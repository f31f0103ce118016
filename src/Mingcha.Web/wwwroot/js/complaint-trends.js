// CMP-10: the trend charts; the data is JSON in the page (no inline script, so a strict CSP keeps working).
(function () {
  var el = document.getElementById('trend-data');
  if (!el || !window.echarts) return;
  var d = JSON.parse(el.textContent);
  function bar(id, title, rows, horizontal) {
    var node = document.getElementById(id);
    if (!node) return;
    var chart = echarts.init(node);
    var labels = rows.map(function (r) { return r.label; });
    var values = rows.map(function (r) { return r.value; });
    var cat = { type: 'category', data: labels, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
    var val = { type: 'value', minInterval: 1 };
    chart.setOption({
      title: { text: title, textStyle: { fontSize: 14 } },
      tooltip: {}, grid: { left: horizontal ? 120 : 40, right: 16, bottom: 60 },
      xAxis: horizontal ? val : cat, yAxis: horizontal ? cat : val,
      series: [{ type: id === 'chart-month' ? 'line' : 'bar', data: values }]
    });
    window.addEventListener('resize', function () { chart.resize(); });
  }
  bar('chart-month', d.titles[0], d.month, false);
  bar('chart-type', d.titles[1], d.type, false);
  bar('chart-channel', d.titles[2], d.channel, false);
  bar('chart-unit', d.titles[3], d.unit, true);
})();
