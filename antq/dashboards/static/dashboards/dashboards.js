// Charts of the dashboard page from the numbers in #dash-data (the tables hold the same numbers).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("dash-data");
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var shares = data.metrics.filter(function (m) { return m.share; });
    var colours = ["#1a73e8", "#1e7b34", "#9a6700", "#c5221f", "#6f42c1", "#008080", "#795548", "#607d8b"];
    function datasets(metrics, field) {
      return metrics.map(function (m, i) {
        return { label: m.label, data: m[field], texts: m[field + "_text"], backgroundColor: colours[i % colours.length], borderColor: colours[i % colours.length] };
      });
    }
    var percentAxis = { y: { beginAtZero: true, max: 100, ticks: { callback: function (v) { return v + "%"; } } } };
    function chart(id, type, labels, sets, scales) {
      var canvas = document.getElementById(id);
      if (!canvas || !labels.length) return;
      new window.Chart(canvas, { type: type, data: { labels: labels, datasets: sets },
        options: { responsive: true, maintainAspectRatio: false, scales: scales, plugins: { legend: { position: "bottom" },
          // The tooltip prints the table's text (rounded half up, Vietnamese comma), not the raw number.
          tooltip: { callbacks: { label: function (item) {
            var texts = item.dataset.texts || [];
            return item.dataset.label + ": " + (texts[item.dataIndex] || item.formattedValue);
          } } } } } });
    }
    chart("chart-kind", "bar", data.kinds, datasets(shares, "by_kind"), percentAxis);
    chart("chart-child", "bar", data.children, datasets(shares, "by_child"), percentAxis);
    chart("chart-year", "line", data.years, datasets(shares, "by_year"), percentAxis);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
