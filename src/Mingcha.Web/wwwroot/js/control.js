// Live control centre (SAT-2): counts per window from the page's initial JSON, kept live by server-sent events.
(function () {
  const init = JSON.parse(document.getElementById('control-initial').textContent);
  const text = JSON.parse(document.getElementById('control-text').textContent);
  const sectionName = new Map(init.sections.map(s => [s.id, s.name]));
  const unitName = new Map(init.units.map(u => [u.id, u.name]));
  const counts = new Map(); // sectionId -> {unitId, total, satisfied, basic, unsatisfied}
  for (const c of init.counts) counts.set(c.sectionId, { unitId: c.unitId, total: c.total, satisfied: c.satisfied, basic: c.basic, unsatisfied: c.unsatisfied });
  const seen = new Set();
  const wall = document.getElementById('bad-wall');
  const chart = window.echarts ? echarts.init(document.getElementById('chart-units')) : null;

  const rate = c => c.total ? (100 * (c.satisfied + c.basic) / c.total).toFixed(1) + '%' : '–';
  const time = iso => new Date(iso).toLocaleTimeString();

  function addBad(e, top) {
    const li = document.createElement('li');
    li.className = 'bad-rating';
    li.dataset.id = e.id;
    li.textContent = `${time(e.ratedAt)} · ${e.sectionName || sectionName.get(e.sectionId) || e.sectionId} · ${text.unsatisfied}`;
    if (top) wall.prepend(li); else wall.append(li);
    while (wall.children.length > 30) wall.lastChild.remove();
  }

  let pending = false;
  function render() {
    pending = false;
    const all = { total: 0, satisfied: 0, basic: 0, unsatisfied: 0 };
    const byUnit = new Map();
    const rows = [];
    for (const [sid, c] of counts) {
      for (const k of Object.keys(all)) all[k] += c[k];
      const u = byUnit.get(c.unitId) || { satisfied: 0, basic: 0, unsatisfied: 0 };
      u.satisfied += c.satisfied; u.basic += c.basic; u.unsatisfied += c.unsatisfied;
      byUnit.set(c.unitId, u);
      rows.push([sid, c]);
    }
    document.getElementById('total-count').textContent = all.total;
    document.getElementById('total-satisfied').textContent = all.satisfied;
    document.getElementById('total-basic').textContent = all.basic;
    document.getElementById('total-bad').textContent = all.unsatisfied;
    document.getElementById('total-rate').textContent = rate(all);
    rows.sort((a, b) => b[1].unsatisfied - a[1].unsatisfied || b[1].total - a[1].total);
    const body = document.querySelector('#windows tbody');
    body.replaceChildren(...rows.map(([sid, c]) => {
      const tr = document.createElement('tr');
      tr.dataset.section = sid;
      if (c.unsatisfied > 0) tr.className = 'flagged';
      for (const v of [sectionName.get(sid) || sid, c.total, c.satisfied, c.basic, c.unsatisfied, rate(c)]) {
        const td = document.createElement('td'); td.textContent = v; tr.append(td);
      }
      return tr;
    }));
    if (chart) {
      const units = [...byUnit.keys()];
      // No rating today yet: no empty axes; the chart appears with the day's first rating.
      const dom = chart.getDom();
      const wasHidden = dom.hidden;
      dom.hidden = units.length === 0;
      if (dom.hidden) return;
      if (wasHidden) chart.resize();
      chart.setOption({
        tooltip: {}, legend: {}, grid: { containLabel: true },
        xAxis: { type: 'category', data: units.map(u => unitName.get(u) || u) }, yAxis: { type: 'value', minInterval: 1 },
        series: ['satisfied', 'basic', 'unsatisfied'].map((k, i) => ({
          name: [document.querySelector('#totals .card:nth-child(2) span').textContent, document.querySelector('#totals .card:nth-child(3) span').textContent, text.unsatisfied][i],
          type: 'bar', stack: 'all', data: units.map(u => byUnit.get(u)[k]),
        })),
      });
    }
  }
  // A window on the list of those not rated yet today leaves it with its first rating.
  function quietRated(sid) {
    const quiet = document.getElementById('quiet');
    const li = quiet && quiet.querySelector(`li[data-section="${CSS.escape(sid)}"]`);
    if (!li) return;
    li.remove();
    const left = quiet.querySelectorAll('li').length;
    if (left === 0) quiet.hidden = true; else document.getElementById('quiet-count').textContent = left;
  }
  const schedule = () => { if (!pending) { pending = true; requestAnimationFrame(render); } };

  for (const b of init.bad) { seen.add(b.id); addBad(b, false); }
  render();

  const state = document.getElementById('live-state');
  const source = new EventSource('/api/v1/ratings/live');
  source.onopen = () => { state.textContent = text.live; state.dataset.state = 'live'; };
  source.onerror = () => { state.textContent = text.lost; state.dataset.state = 'lost'; };
  source.addEventListener('rating', m => {
    const e = JSON.parse(m.data);
    if (seen.has(e.id)) return;
    seen.add(e.id);
    const c = counts.get(e.sectionId) || { unitId: e.unitId, total: 0, satisfied: 0, basic: 0, unsatisfied: 0 };
    c.total++;
    if (e.commonLevel === 1) c.satisfied++; else if (e.commonLevel === 2) c.basic++; else c.unsatisfied++;
    counts.set(e.sectionId, c);
    if (e.isBad) addBad(e, true);
    quietRated(e.sectionId);
    schedule();
  });
})();
