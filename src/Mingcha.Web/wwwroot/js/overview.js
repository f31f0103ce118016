// The leaders' overview: small ECharts bar charts from the page's JSON; each bar opens the records behind it.
(function () {
  const data = JSON.parse(document.getElementById('overview-data').textContent);
  if (!window.echarts) return;
  function bars(id, items, label, value, link) {
    const el = document.getElementById(id);
    if (!el || items.length === 0) { if (el) el.style.display = 'none'; return; }
    const chart = echarts.init(el);
    chart.setOption({
      grid: { left: 40, right: 10, top: 10, bottom: 60 },
      tooltip: {},
      xAxis: { type: 'category', data: items.map(label), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: 'value' },
      series: [{ type: 'bar', data: items.map(value) }]
    });
    chart.on('click', p => { const href = link(items[p.dataIndex]); if (href) location.href = href; });
    window.addEventListener('resize', () => chart.resize());
  }
  bars('chart-inspections', data.inspections, f => f.label, f => f.value, f => f.link);
  bars('chart-findings', data.findingsByItem, f => f.key, f => f.value, f => f.link);
  bars('chart-notices', data.notices, f => f.label, f => f.value, f => f.link);
  bars('chart-satisfaction', data.satisfaction, s => s.unitName, s => s.rate === null ? 0 : Math.round(s.rate * 10000) / 100, () => '/Ratings/Control');
})();
