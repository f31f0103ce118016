// Case page: every view or download first states its purpose (logged, EVD-3), then uses the URL that purpose covers.
(function () {
  'use strict';
  var script = document.currentScript;
  var caseId = script.dataset.case;

  async function post(url, body) {
    var res = await fetch(url, { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    var text = await res.text();
    var data = text ? JSON.parse(text) : {};
    if (!res.ok) throw new Error(data.title || res.statusText);
    return data;
  }

  document.querySelectorAll('form.evidence-access').forEach(function (form) {
    form.addEventListener('submit', async function (e) {
      e.preventDefault();
      var action = e.submitter ? e.submitter.value : 'View';
      try {
        var grant = await post('/api/v1/evidence/items/' + form.dataset.item + '/access', { action: action, purpose: form.purpose.value });
        if (action === 'Download') { window.location.href = grant.url; return; }
        var viewer = document.getElementById('viewer');
        var player = document.getElementById('player');
        var picture = document.getElementById('picture');
        viewer.hidden = false;
        if (form.dataset.media.indexOf('image/') === 0) {
          player.hidden = true; player.removeAttribute('src'); picture.hidden = false; picture.src = grant.url;
        } else if (form.dataset.media === 'application/pdf') {
          window.open(grant.url, '_blank', 'noopener');
        } else {
          picture.hidden = true; player.hidden = false; player.src = grant.url; player.play().catch(function () {});
        }
        viewer.scrollIntoView({ behavior: 'smooth' });
      } catch (err) {
        alert(err.message);
      }
    });
  });

  var pkg = document.getElementById('package');
  if (pkg) pkg.addEventListener('submit', async function (e) {
    e.preventDefault();
    try {
      var grant = await post('/api/v1/evidence/cases/' + caseId + '/package', { purpose: pkg.purpose.value });
      window.location.href = grant.url;
    } catch (err) { alert(err.message); }
  });
})();
