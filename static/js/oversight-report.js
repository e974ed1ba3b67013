// Polls a report job's status (JSON) and shows its progress, then the download link.
// Without JavaScript the page reloads itself (Refresh header) until the file is ready.
(function () {
  "use strict";
  var box = document.querySelector("[data-report-status]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-status-label]");
  var percent = box.querySelector("[data-percent]");
  var link = box.querySelector("[data-download]");
  function poll() {
    fetch(box.dataset.reportStatus, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        bar.value = job.progress;
        percent.textContent = job.progress + "%";
        label.textContent = job.status_label;
        box.dataset.status = job.status;
        if (job.download) {
          link.href = job.download;
          link.classList.remove("d-none");
        } else if (job.status !== "failed") {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  if (box.dataset.status !== "done" && box.dataset.status !== "failed") poll();
})();
