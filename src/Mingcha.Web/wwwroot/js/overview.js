// The leaders' overview: small ECharts bar charts from the page's JSON; each bar opens the records behind it.
// Bars run across, so that the Chinese labels read level and never overlap in a narrow card; counts have whole-number
// ticks, the satisfaction rate runs to 100 %. The list under each chart gives every full name and figure.
(function () {
  const data = JSON.parse(document.getElementById('overview-data').textContent);
  if (!window.echarts) return;
  function bars(id, items, label, value, link, axis, format) {
    const el = document.getElementById(id);
    if (!el || items.length === 0) { if (el) el.style.display = 'none'; return; }
    el.style.height = Math.max(120, 28 * items.length + 40) + 'px';
    const chart = echarts.init(el);
    chart.setOption({
      grid: { left: 4, right: 52, top: 8, bottom: 8, containLabel: true },
      tooltip: {},
      yAxis: { type: 'category', inverse: true, data: items.map(label), axisLabel: { interval: 0, width: 96, overflow: 'truncate' } },
      xAxis: Object.assign({ type: 'value' }, axis),
      series: [{ type: 'bar', data: items.map(value), label: { show: true, position: 'right', formatter: format || '{c}' } }]
    });
    chart.on('click', p => { const href = link(items[p.dataIndex]); if (href) location.href = href; });
    window.addEventListener('resize', () => chart.resize());
  }
  const count = { minInterval: 1 };
  bars('chart-inspections', data.inspections, f => f.label, f => f.value, f => f.link, count);
  bars('chart-findings', data.findingsByItem, f => f.key, f => f.value, f => f.link, count);
  bars('chart-notices', data.notices, f => f.label, f => f.value, f => f.link, count);
  bars('chart-satisfaction', data.satisfaction, s => s.unitName, s => s.rate === null ? 0 : Math.round(s.rate * 10000) / 100, s => s.link,
    { min: 0, max: 100, interval: 50, axisLabel: { formatter: '{value}%' } }, '{c}%');
})();
