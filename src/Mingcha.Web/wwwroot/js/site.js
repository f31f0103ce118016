// Small progressive helpers; every page works without them.
(function () {
  // Forms with data-confirm ask first (revoking a token, resetting the authenticator).
  document.addEventListener('submit', function (e) {
    var msg = e.target.getAttribute && e.target.getAttribute('data-confirm');
    if (msg && !window.confirm(msg)) e.preventDefault();
  });
  // Buttons with data-copy="#id" copy that element's text (a password or token shown once).
  document.querySelectorAll('[data-copy]').forEach(function (b) {
    b.addEventListener('click', function () {
      var el = document.querySelector(b.getAttribute('data-copy'));
      if (el && navigator.clipboard) navigator.clipboard.writeText(el.textContent.trim()).then(function () { b.textContent = '✓'; });
    });
  });
  // After a failed post the form with the error is open: bring it into view.
  var err = document.querySelector('.form-error');
  if (err) err.scrollIntoView({ block: 'center' });
})();
