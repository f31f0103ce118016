// SAT-4: the report's trend, the coefficient as a line over the ratings as bars, with the cases' 评价率 (a fraction, on the
// coefficient's axis) as a dashed line; the data is JSON in the page (no inline script, so a strict CSP keeps working). The
// same figures are in the table under it.
(function () {
  var el = document.getElementById('trend-data');
  var node = document.getElementById('trend-chart');
  if (!el || !node || !window.echarts) return;
  var d = JSON.parse(el.textContent);
  var chart = echarts.init(node);
  var hasCases = d.rated.some(function (v) { return v !== null; });
  var names = hasCases ? d.names : d.names.slice(0, 2);
  chart.setOption({
    tooltip: {
      trigger: 'axis',
      formatter: function (items) {
        return items.map(function (p, i) {
          var v = p.value === null || p.value === undefined ? '—'
            : p.seriesName === d.names[2] ? (p.value * 100).toFixed(2) + '%' : p.value;
          return (i === 0 ? p.axisValueLabel + '<br>' : '') + p.marker + p.seriesName + ' ' + v;
        }).join('<br>');
      }
    },
    legend: { data: names, top: 0 },
    grid: { left: 56, right: 56, top: 48, bottom: 64 },
    xAxis: { type: 'category', data: d.labels, axisLabel: { rotate: d.labels.length > 12 ? 30 : 0 } },
    yAxis: [
      { type: 'value', name: hasCases ? d.names[0] + ' / ' + d.names[2] : d.names[0], min: function (v) { return Math.max(0, Math.floor(v.min * 20) / 20); }, max: 1 },
      { type: 'value', name: d.names[1], minInterval: 1, splitLine: { show: false } }
    ],
    series: [
      { name: d.names[0], type: 'line', data: d.coefficient, connectNulls: false, yAxisIndex: 0, z: 3 },
      { name: d.names[1], type: 'bar', data: d.ratings, yAxisIndex: 1, itemStyle: { opacity: 0.35 } }
    ].concat(hasCases ? [{ name: d.names[2], type: 'line', data: d.rated, yAxisIndex: 0, lineStyle: { type: 'dashed' }, z: 2 }] : [])
  });
  window.addEventListener('resize', function () { chart.resize(); });
})();
