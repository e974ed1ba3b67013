// Polls an audit trail check (JSON) and moves its progress bar; reloads the page when it is finished
// so the result table shows. Without JavaScript the page reloads itself (Refresh header).
(function () {
  "use strict";
  var box = document.querySelector("[data-audit-check-status]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-status-label]");
  var percent = box.querySelector("[data-percent]");
  var rows = box.querySelector("[data-rows]");
  function poll() {
    fetch(box.dataset.auditCheckStatus, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (check) {
        bar.value = check.progress;
        percent.textContent = check.progress + "%";
        label.textContent = check.status_label;
        rows.textContent = check.rows_checked;
        if (check.status === "done" || check.status === "failed") window.location.reload();
        else window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  if (box.dataset.status !== "done" && box.dataset.status !== "failed") poll();
})();
