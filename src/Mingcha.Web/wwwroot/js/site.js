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

  // Lists on a phone: each row of a list table becomes a card whose cells carry their column's name (site.css, below
  // 640px). Only tables with one plain header row, and not those marked no-stack (or a calendar's months). Rows a
  // page adds later (the control centre's) are labelled as they come.
  function label(table, names) {
    table.querySelectorAll('tbody > tr, tfoot > tr').forEach(function (tr) {
      var i = 0;
      Array.prototype.forEach.call(tr.children, function (cell) {
        if (!cell.hasAttribute('data-label')) cell.setAttribute('data-label', names[i] || '');
        // A cell with nothing in it (no date yet, no result) is left out of the card rather than shown as a bare name.
        cell.toggleAttribute('data-empty', cell.children.length === 0 && cell.textContent.trim() === '');
        i += cell.colSpan || 1;
      });
    });
  }
  document.querySelectorAll('table').forEach(function (table) {
    if (table.closest('.month') || table.classList.contains('no-stack')) return;
    var rows = table.tHead ? table.tHead.rows : [];
    if (rows.length !== 1) return;
    var heads = Array.prototype.slice.call(rows[0].cells);
    if (heads.some(function (th) { return th.colSpan > 1 || th.rowSpan > 1; })) return;
    var names = heads.map(function (th) { return th.textContent.trim(); });
    table.classList.add('stack');
    label(table, names);
    if (window.MutationObserver) new MutationObserver(function () { label(table, names); }).observe(table, { childList: true, subtree: true });
  });
})();
