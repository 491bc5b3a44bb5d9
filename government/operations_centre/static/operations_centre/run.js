// Progress of an indicator recomputation (operations_centre/run.html), polled until it finishes.
// A static file: the Content-Security-Policy allows scripts from 'self' only.
(function () {
  "use strict";
  var labels = JSON.parse(document.getElementById("run-labels").textContent);
  function poll() {
    fetch("?format=json", {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
      document.getElementById("run-progress").value = d.percent;
      document.getElementById("run-percent").textContent = d.percent + "%";
      var s = document.getElementById("run-status"); s.textContent = labels[d.status] || d.status; s.dataset.status = d.status;
      document.getElementById("run-steps").textContent = d.completed_steps + "/" + d.total_steps;
      if (d.status === "failed") { window.location.reload(); return; }
      if (d.finished) { document.getElementById("run-done").hidden = false; return; }
      setTimeout(poll, 1500);
    }).catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
