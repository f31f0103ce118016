// The eight-step visit on a phone (INS-11, INS-20). Every save is a PUT the server treats idempotently; a save that
// cannot reach the server waits in localStorage and is sent again when the connection comes back, so nothing typed
// or filmed is lost. Evidence goes to the vault with tus (resumable), then its id joins the step.
(function () {
  'use strict';
  var msg = document.currentScript.dataset;
  var root = document.getElementById('visit');
  var visitId = root.dataset.visit;
  var statusLabels = JSON.parse(root.dataset.statusLabels || '{}');
  var evidenceLabels = JSON.parse(root.dataset.evidenceLabels || '{}');
  var api = '/api/v1/inspections/visits/' + visitId;
  var queueKey = 'mingcha:visit:' + visitId + ':queue';
  var state = null;
  var current = 0; // the step on screen (0 before the first); a refresh of that step keeps what is being typed
  var draft = {}; // step number -> { startedAt, endedAt, evidenceItemIds, notes, score, scoreNote }
  var $ = function (id) { return document.getElementById(id); };

  function say(text, cls) { var r = $('result'); r.textContent = text; r.className = cls || ''; }
  function sync(text) { $('sync-status').textContent = text; }
  function queue() { try { return JSON.parse(localStorage.getItem(queueKey) || '[]'); } catch (e) { return []; } }
  function setQueue(q) { localStorage.setItem(queueKey, JSON.stringify(q)); }
  function time(iso) { return iso ? new Date(iso).toLocaleTimeString() : ''; }

  async function call(method, url, body) {
    var res = await fetch(url, { method: method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    var text = await res.text();
    var json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
    if (!res.ok) { var err = new Error((json && json.title) || text || res.status); err.status = res.status; throw err; }
    return json;
  }

  // A save: sent now, or kept (same URL replaces the older copy) until the connection returns.
  async function save(method, url, body) {
    body.deviceClock = new Date().toISOString();
    try {
      var result = await call(method, url, body);
      sync(msg.msgSaved);
      return result;
    } catch (e) {
      if (e.status) throw e; // the server answered: a rule or a field refused it
      var q = queue().filter(function (x) { return x.url !== url; });
      q.push({ method: method, url: url, body: body });
      setQueue(q);
      sync(msg.msgQueued);
      return null;
    }
  }

  async function flush() {
    var q = queue();
    while (q.length > 0) {
      var item = q[0];
      try { await call(item.method, item.url, item.body); } catch (e) { if (!e.status) { sync(msg.msgQueued); return; } }
      q.shift();
      setQueue(q);
    }
    sync(msg.msgSynced);
  }

  async function load() {
    state = await call('GET', api + '/protocol');
    $('visit-status').textContent = statusLabels[state.status] || state.status; // the label; data-status keeps the value
    root.dataset.status = state.status;
    if (state.evidenceCaseId) root.dataset.case = state.evidenceCaseId;
    if (state.visitedOn) root.dataset.year = state.visitedOn.substring(0, 4);
    var started = state.status !== 'Planned';
    $('start-panel').hidden = started;
    $('step-nav').hidden = !started;
    $('step-panel').hidden = !started;
    state.steps.forEach(function (s) {
      if (!draft[s.number]) draft[s.number] = { startedAt: s.startedAt, endedAt: s.endedAt, evidenceItemIds: s.files.map(function (f) { return f.id; }), notes: s.notes || '', files: s.files };
      var b = document.querySelector('#step-nav [data-step="' + s.number + '"]');
      // The archive (step 8) is assembled from the rest: shown done once the report is handed in, not while it is recorded.
      var done = s.hasRequiredEvidence && (s.evidence !== 'Archive' || !recording());
      b.className = done ? 'done' : (s.required ? 'secondary' : 'secondary optional');
    });
    if (started) show(current || 1);
  }

  // Whether the inspectors are still recording the visit (started, or returned to them), as the server's EnsureOpen has it.
  function recording() { return state.status === 'InProgress' || state.status === 'Returned'; }

  // Handed in (or decided), the record is read, not edited: its fields and buttons stay on screen, disabled, save the one
  // that moves between steps. (The server refuses a change to a closed visit all the same.)
  function lockIfClosed() {
    var closed = state.status !== 'Planned' && !recording();
    document.querySelectorAll('#step-panel input, #step-panel textarea, #step-panel select, #step-panel button').forEach(function (el) {
      if (el.id !== 'step-next') el.disabled = closed;
    });
  }

  // What is typed into the step on screen goes to its draft, so that moving between steps loses nothing.
  function keep() {
    var d = draft[current];
    if (!d) return;
    d.notes = $('step-notes').value;
    if (current === 7) { d.score = $('score').value; d.scoreNote = $('score-note').value; }
  }

  // Shows step n. A refresh of the step already on screen (a save answered while the inspector types, perhaps the
  // save of the step before) redraws the server's state but leaves the fields being typed alone.
  function show(n) {
    var moved = n !== current;
    if (moved) keep();
    current = n;
    var s = state.steps[n - 1];
    var d = draft[n];
    $('step-title').textContent = n + '. ' + s.name;
    $('step-required').textContent = (s.required ? msg.msgRequired : msg.msgOptional) + ' · ' + (evidenceLabels[s.evidence] || s.evidence);
    $('step-start-time').textContent = time(d.startedAt);
    $('step-end-time').textContent = time(d.endedAt);
    if (moved) $('step-notes').value = d.notes || '';
    var list = $('step-files');
    list.innerHTML = '';
    (d.files || []).forEach(function (f) {
      var li = document.createElement('li');
      li.textContent = f.fileName + (f.durationMs ? ' · ' + Math.round(f.durationMs / 1000) + ' s' : '');
      list.appendChild(li);
    });
    $('step-files-box').hidden = n >= 6;
    $('checklist-box').hidden = n !== 3;
    $('questions-box').hidden = n !== 4;
    $('survey-box').hidden = n !== 6;
    $('score-box').hidden = n !== 7;
    $('archive-box').hidden = n !== 8;
    if (n === 3 && moved) renderChecklist();
    if (n === 4) renderQuestions();
    if (n === 6) renderSurveys();
    if (n === 7 && moved) {
      $('score').value = d.score != null ? d.score : (state.overallScore == null ? '' : state.overallScore);
      $('score-note').value = d.scoreNote != null ? d.scoreNote : (state.scoreNote || '');
    }
    if (n === 8) renderArchive();
    document.querySelectorAll('#step-nav button').forEach(function (b) { b.setAttribute('aria-current', b.dataset.step == n ? 'step' : 'false'); });
    lockIfClosed();
  }

  function renderChecklist() {
    var box = $('checklist');
    box.innerHTML = '';
    state.checklist.forEach(function (c) {
      var label = document.createElement('label');
      label.textContent = c.name;
      var select = document.createElement('select');
      select.dataset.code = c.code;
      [['', '—'], ['Met', msg.msgMet], ['NotMet', msg.msgNotmet], ['NotObserved', msg.msgNotseen]].forEach(function (o) {
        var opt = document.createElement('option'); opt.value = o[0]; opt.textContent = o[1]; if (c.result === o[0]) opt.selected = true; select.appendChild(opt);
      });
      label.appendChild(select);
      box.appendChild(label);
    });
    $('forbidden').textContent = state.forbiddenExpressions.join('、');
  }

  function renderQuestions() {
    $('persona').textContent = state.persona ? state.persona.name + '：' + state.persona.description : msg.msgNone;
    var ol = $('questions');
    ol.innerHTML = '';
    state.questions.forEach(function (q) {
      var li = document.createElement('li');
      li.textContent = '[' + q.serviceItem + ' · ' + q.depth + '] ' + q.text;
      ol.appendChild(li);
    });
  }

  function renderSurveys() {
    var ul = $('surveys');
    ul.innerHTML = '';
    state.surveys.forEach(function (s) {
      var li = document.createElement('li');
      li.textContent = s.number + ': ' + Object.values(s.answers).join(' / ') + (s.satisfaction ? ' (' + s.satisfaction + ')' : '');
      ul.appendChild(li);
    });
  }

  async function renderArchive() {
    var ul = $('findings');
    ul.innerHTML = '';
    state.findings.forEach(function (f) { var li = document.createElement('li'); li.textContent = f.itemCode + ' ' + f.description; ul.appendChild(li); });
    var issues = $('issues');
    issues.innerHTML = '';
    state.analysis.issues.forEach(function (i) { var li = document.createElement('li'); li.className = i.blocking ? 'error' : 'muted'; li.textContent = i.rule + ' ' + i.message; issues.appendChild(li); });
    if (state.analysis.issues.length === 0) { var ok = document.createElement('li'); ok.textContent = msg.msgNone; issues.appendChild(ok); }
    // INS-7: a finding names the photos or videos that show it, chosen from the visit's files, and the step it was seen at.
    var steps = $('finding-step');
    if (steps.options.length === 0) {
      state.steps.forEach(function (s) {
        var opt = document.createElement('option'); opt.value = s.number; opt.textContent = s.number + '. ' + s.name; if (s.number === 3) opt.selected = true; steps.appendChild(opt);
      });
    }
    var box = $('finding-evidence');
    var chosen = Array.prototype.filter.call(box.querySelectorAll('input'), function (c) { return c.checked; }).map(function (c) { return c.value; });
    Array.prototype.slice.call(box.querySelectorAll('label')).forEach(function (l) { l.remove(); });
    var seen = {};
    Object.keys(draft).forEach(function (n) {
      (draft[n].files || []).forEach(function (f) {
        if (seen[f.id]) return;
        seen[f.id] = true;
        var label = document.createElement('label');
        var check = document.createElement('input');
        check.type = 'checkbox'; check.name = 'finding-evidence'; check.value = f.id; check.checked = chosen.indexOf(f.id) >= 0;
        label.appendChild(check);
        label.appendChild(document.createTextNode(' ' + n + '. ' + f.fileName));
        box.appendChild(label);
      });
    });
    var select = $('finding-item');
    if (select.options.length === 0) {
      try {
        var cat = await call('GET', '/api/v1/inspections/catalogues/' + root.dataset.year);
        cat.items.filter(function (i) { return i.active; }).forEach(function (i) {
          var opt = document.createElement('option'); opt.value = i.id; opt.textContent = i.code + ' ' + i.name; select.appendChild(opt);
        });
      } catch (e) { /* no catalogue: findings cannot be chosen here */ }
    }
    lockIfClosed(); // what was drawn after a wait
  }

  async function saveStep() {
    keep();
    var d = draft[current];
    if (current === 3) {
      var lines = Array.prototype.map.call(document.querySelectorAll('#checklist select'), function (s) { return { code: s.dataset.code, result: s.value }; })
        .filter(function (l) { return l.result; });
      if (lines.length > 0) await save('PUT', api + '/checklist', { lines: lines });
    }
    if (current === 7 && $('score').value !== '') await save('PUT', api + '/score', { score: Number($('score').value), note: $('score-note').value });
    await save('PUT', api + '/steps/' + current, { timeSource: 'Device', startedAt: d.startedAt, endedAt: d.endedAt, evidenceItemIds: d.evidenceItemIds, notes: d.notes });
    if (queue().length === 0) await load();
  }

  function position() {
    if (!$('with-location').checked || !navigator.geolocation) return Promise.resolve('');
    return new Promise(function (resolve) {
      navigator.geolocation.getCurrentPosition(function (p) { resolve(p.coords.latitude.toFixed(6) + ',' + p.coords.longitude.toFixed(6)); }, function () { resolve(''); }, { timeout: 10000 });
    });
  }

  async function upload() {
    var file = $('step-file').files[0];
    if (!file) return;
    var where = await position();
    var metadata = { caseId: root.dataset.case, filename: file.name, filetype: file.type || 'application/octet-stream', deviceClock: new Date().toISOString() };
    if (where) metadata.location = where;
    var bar = $('upload-progress');
    bar.hidden = false;
    bar.value = 0;
    var step = current;
    await new Promise(function (resolve) {
      var u = new tus.Upload(file, {
        endpoint: '/api/v1/evidence/uploads', chunkSize: 8 * 1024 * 1024, metadata: metadata,
        retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000], storeFingerprintForResuming: true, removeFingerprintOnSuccess: true,
        onProgress: function (sent, total) { bar.value = total ? sent / total * 100 : 0; },
        onError: function (err) { say(msg.msgFailed + ' ' + err.message, 'error'); resolve(); },
        onSuccess: function (payload) {
          var id = payload && payload.lastResponse ? payload.lastResponse.getHeader('Mingcha-Evidence-Id') : '';
          var d = draft[step];
          if (id && d.evidenceItemIds.indexOf(id) < 0) { d.evidenceItemIds.push(id); d.files = (d.files || []).concat([{ id: id, fileName: file.name }]); }
          if (!d.startedAt) d.startedAt = new Date(file.lastModified || Date.now()).toISOString();
          resolve();
        },
      });
      u.start();
    });
    bar.value = 100;
    $('step-file').value = '';
    await saveStep();
  }

  $('start-visit').addEventListener('click', async function () {
    var methods = Array.prototype.filter.call(document.querySelectorAll('input[name=method]'), function (c) { return c.checked; }).map(function (c) { return c.value; });
    try { await call('POST', api + '/start', { methods: methods, deviceClock: new Date().toISOString() }); await load(); } catch (e) { say(msg.msgFailed + ' ' + e.message, 'error'); }
  });
  document.querySelectorAll('#step-nav button').forEach(function (b) { b.addEventListener('click', function () { show(Number(b.dataset.step)); }); });
  $('step-start').addEventListener('click', function () { draft[current].startedAt = new Date().toISOString(); $('step-start-time').textContent = time(draft[current].startedAt); });
  $('step-end').addEventListener('click', function () { draft[current].endedAt = new Date().toISOString(); $('step-end-time').textContent = time(draft[current].endedAt); });
  $('step-upload').addEventListener('click', function () { upload().catch(function (e) { say(msg.msgFailed + ' ' + e.message, 'error'); }); });
  $('step-save').addEventListener('click', function () { saveStep().catch(function (e) { say(msg.msgFailed + ' ' + e.message, 'error'); }); });
  $('step-next').addEventListener('click', function () {
    saveStep().then(function () { if (current < 8) show(current + 1); }).catch(function (e) { say(msg.msgFailed + ' ' + e.message, 'error'); });
  });
  $('survey-save').addEventListener('click', async function () {
    var answers = { '办事体验': $('survey-experience').value, '对工作人员的评价': $('survey-staff').value };
    try {
      await save('PUT', api + '/surveys/' + $('survey-number').value, { answers: answers, satisfaction: Number($('survey-satisfaction').value), respondentPhone: $('survey-phone').value || null });
      if (queue().length === 0) await load();
    } catch (e) { say(msg.msgFailed + ' ' + e.message, 'error'); }
  });
  $('finding-add').addEventListener('click', async function () {
    try {
      var evidence = Array.prototype.filter.call(document.querySelectorAll('#finding-evidence input'), function (c) { return c.checked; }).map(function (c) { return c.value; });
      await call('POST', api + '/findings', { sectionId: root.dataset.section, itemId: $('finding-item').value, description: $('finding-description').value,
        step: Number($('finding-step').value) || 8, evidenceItemIds: evidence });
      $('finding-description').value = '';
      document.querySelectorAll('#finding-evidence input').forEach(function (c) { c.checked = false; });
      await load();
    } catch (e) { say(msg.msgFailed + ' ' + e.message, 'error'); }
  });
  $('submit-visit').addEventListener('click', async function () {
    try {
      await flush();
      await call('POST', api + '/submit', { deviceClock: new Date().toISOString() });
      say(msg.msgSubmitted, 'ok');
      await load();
    } catch (e) { say(msg.msgFailed + ' ' + e.message, 'error'); }
  });
  // INS-8: the leader on duty signs on this screen; the drawing goes to the vault as a PNG, then confirms the findings.
  var pad = $('signature-pad');
  var ctx = pad.getContext('2d');
  var drawing = false;
  var drawn = false;
  function point(e) { var r = pad.getBoundingClientRect(); return { x: (e.clientX - r.left) * pad.width / r.width, y: (e.clientY - r.top) * pad.height / r.height }; }
  pad.addEventListener('pointerdown', function (e) { drawing = true; var p = point(e); ctx.beginPath(); ctx.moveTo(p.x, p.y); pad.setPointerCapture(e.pointerId); });
  pad.addEventListener('pointermove', function (e) { if (!drawing) return; var p = point(e); ctx.lineWidth = 2; ctx.lineTo(p.x, p.y); ctx.stroke(); drawn = true; });
  pad.addEventListener('pointerup', function () { drawing = false; });
  $('signature-clear').addEventListener('click', function () { ctx.clearRect(0, 0, pad.width, pad.height); drawn = false; });
  function signatureBlob() {
    // A white background, so the PNG reads as a signature on paper.
    var out = document.createElement('canvas'); out.width = pad.width; out.height = pad.height;
    var o = out.getContext('2d'); o.fillStyle = '#fff'; o.fillRect(0, 0, out.width, out.height); o.drawImage(pad, 0, 0);
    return new Promise(function (resolve) { out.toBlob(resolve, 'image/png'); });
  }
  $('signature-confirm').addEventListener('click', async function () {
    if (!drawn) return;
    var blob = await signatureBlob();
    var file = new File([blob], 'signature-' + Date.now() + '.png', { type: 'image/png' });
    var id = await new Promise(function (resolve) {
      new tus.Upload(file, {
        endpoint: '/api/v1/evidence/uploads', metadata: { caseId: root.dataset.case, filename: file.name, filetype: 'image/png', deviceClock: new Date().toISOString() },
        retryDelays: [0, 1000, 3000, 5000],
        onError: function (err) { say(msg.msgFailed + ' ' + err.message, 'error'); resolve(null); },
        onSuccess: function (payload) { resolve(payload && payload.lastResponse ? payload.lastResponse.getHeader('Mingcha-Evidence-Id') : null); },
      }).start();
    });
    if (!id) return;
    try {
      await call('POST', api + '/confirmation', { signerUserName: $('signer-user').value, signerPassword: $('signer-password').value, signatureEvidenceItemId: id });
      $('signer-password').value = '';
      $('confirmation-status').textContent = msg.msgSigned;
      $('confirmation-status').className = 'ok';
    } catch (e) { say(msg.msgFailed + ' ' + e.message, 'error'); }
  });
  $('signature-refuse').addEventListener('click', async function () {
    try {
      await call('POST', api + '/refusal', { refusedBy: $('refused-by').value });
      $('confirmation-status').textContent = msg.msgRefused;
      $('confirmation-status').className = 'ok';
      await load();
    } catch (e) { say(msg.msgFailed + ' ' + e.message, 'error'); }
  });

  window.addEventListener('online', function () { flush().then(load); });

  flush().then(load).catch(function (e) { say(msg.msgFailed + ' ' + e.message, 'error'); });
})();
