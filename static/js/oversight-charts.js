// Draws every <canvas data-chart="key"> from the JSON in #chart-data (no inline script: CSP).
// The tables next to the charts carry the same numbers for screen readers and printing.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var colours = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var chart = data[canvas.dataset.chart];
    if (!chart) return;
    var options = { responsive: true, aspectRatio: 2.5, animation: false, scales: { y: { beginAtZero: true } } };
    if (canvas.dataset.max) options.scales.y.max = Number(canvas.dataset.max);
    new Chart(canvas, {
      type: canvas.dataset.type || "bar",
      data: {
        labels: chart.labels,
        datasets: chart.series.map(function (series, i) {
          return { label: series.label, data: series.data, backgroundColor: colours[i % colours.length] };
        }),
      },
      options: options,
    });
    canvas.dataset.drawn = "true";
  });
})();
