// Upload page: tus-js-client (vendored) against Mingcha's tus server. Resumes an interrupted upload of the same
// file from the offset the server holds (fingerprints in localStorage), retries dropped connections, shows progress.
(function () {
  'use strict';
  var msg = document.currentScript.dataset;
  var form = document.getElementById('upload-form');
  var fileInput = document.getElementById('file');
  var capturedAt = document.getElementById('capturedAt');
  var pauseButton = document.getElementById('pause');
  var box = document.getElementById('progress-box');
  var bar = document.getElementById('progress');
  var text = document.getElementById('progress-text');
  var result = document.getElementById('result');
  var upload = null;

  function pad(n) { return String(n).padStart(2, '0'); }
  function localInput(d) {
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }
  function mb(n) { return (n / 1048576).toFixed(1) + ' MB'; }

  fileInput.addEventListener('change', function () {
    var f = fileInput.files[0];
    if (f && f.lastModified) capturedAt.value = localInput(new Date(f.lastModified));
  });

  function position() {
    if (!document.getElementById('withLocation').checked || !navigator.geolocation) return Promise.resolve('');
    return new Promise(function (resolve) {
      navigator.geolocation.getCurrentPosition(function (p) {
        resolve(p.coords.latitude.toFixed(6) + ',' + p.coords.longitude.toFixed(6) + ' ±' + Math.round(p.coords.accuracy) + 'm');
      }, function () { resolve(''); }, { timeout: 10000 });
    });
  }

  form.addEventListener('submit', async function (e) {
    e.preventDefault();
    var file = fileInput.files[0];
    if (!file) return;
    if (file.size > Number(form.dataset.max)) { alert(msg.msgTooBig); return; }
    var metadata = {
      caseId: form.dataset.case,
      filename: file.name,
      filetype: file.type || 'application/octet-stream',
      deviceClock: new Date().toISOString(),
    };
    if (capturedAt.value) metadata.capturedAt = new Date(capturedAt.value).toISOString();
    var where = await position();
    if (where) metadata.location = where;

    box.hidden = false;
    result.textContent = '';
    document.getElementById('start').disabled = true;
    upload = new tus.Upload(file, {
      endpoint: '/api/v1/evidence/uploads',
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000],
      metadata: metadata,
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress: function (sent, total) {
        var pct = total ? (sent / total * 100) : 0;
        bar.value = pct;
        text.textContent = pct.toFixed(1) + '%  (' + mb(sent) + ' / ' + mb(total) + ')';
      },
      onError: function (err) {
        var body = err.originalResponse ? err.originalResponse.getBody() : '';
        var title = '';
        try { title = JSON.parse(body).title || ''; } catch (x) { title = body; }
        result.className = 'error';
        result.textContent = msg.msgFailed + ' ' + (title || err.message);
        document.getElementById('start').disabled = false;
        pauseButton.hidden = true;
      },
      onSuccess: function (payload) {
        bar.value = 100;
        result.className = 'ok';
        var id = payload && payload.lastResponse ? payload.lastResponse.getHeader('Mingcha-Evidence-Id') : '';
        result.innerHTML = '';
        result.appendChild(document.createTextNode(msg.msgDone + ' '));
        var a = document.createElement('a');
        a.href = '/Evidence/Case/' + form.dataset.case + (id ? '#' + id : '');
        a.textContent = msg.msgBack;
        result.appendChild(a);
        pauseButton.hidden = true;
      },
    });
    var previous = await upload.findPreviousUploads();
    if (previous.length) {
      upload.resumeFromPreviousUpload(previous[0]);
      text.textContent = msg.msgResume;
    }
    pauseButton.hidden = false;
    upload.start();
  });

  pauseButton.addEventListener('click', function () {
    if (!upload) return;
    if (pauseButton.dataset.paused === '1') {
      pauseButton.dataset.paused = '0';
      pauseButton.textContent = pauseButton.dataset.label;
      upload.start();
    } else {
      upload.abort();
      pauseButton.dataset.paused = '1';
      pauseButton.dataset.label = pauseButton.textContent;
      pauseButton.textContent = msg.msgResumeButton;
      text.textContent += '  ' + msg.msgPaused;
    }
  });
})();
