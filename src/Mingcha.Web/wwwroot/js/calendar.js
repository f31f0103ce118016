// Calendar page, office administrator: a click on a day fills the correction form with that day.
(function () {
  var form = document.getElementById('correct');
  if (!form) return;
  document.querySelectorAll('.months td[data-date]').forEach(function (td) {
    td.style.cursor = 'pointer';
    td.addEventListener('click', function () {
      form.open = true;
      form.querySelector('input[type=date]').value = td.dataset.date;
      var kind = td.dataset.kind === 'holiday' ? 'holiday' : td.dataset.kind === 'makeup' ? 'makeup_workday' : null;
      var select = form.querySelector('select');
      if (kind) select.value = kind; else select.value = td.dataset.kind === 'off' ? 'makeup_workday' : 'holiday';
      var name = td.title.split(' ').slice(1).join(' ');
      form.querySelector('input[type=text]').value = name;
      form.scrollIntoView({ behavior: 'smooth', block: 'start' });
    });
  });
})();
