// Polls the job's status once a second and reloads the page when the import has ended.
(function () {
  var box = document.getElementById("gh-job");
  if (!box || box.dataset.finished === "1") return;
  var bar = document.getElementById("gh-progress");
  var state = document.getElementById("gh-job-state");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.finished || s.stalled) { window.location.reload(); return; }
        if (bar) { bar.style.width = s.percent + "%"; bar.textContent = s.percent + "%"; }
        if (state) { state.textContent = s.status_label + " … " + s.rows_done + " / " + s.rows_total; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 800);
})();
