// Live counters: how many rows got each level and how many "xuất sắc" the quota allows (floor).
(function () {
  var form = document.getElementById("round-form");
  if (!form) { return; }
  var share = parseFloat(form.dataset.share) / 100, quota = form.dataset.quota, of = form.dataset.of;
  function refresh() {
    ["team", "member"].forEach(function (kind) {
      var counts = {};
      form.querySelectorAll('select[data-kind="' + kind + '"]').forEach(function (s) {
        if (s.value) { counts[s.value] = (counts[s.value] || 0) + 1; }
      });
      document.querySelectorAll('[data-count^="' + kind + '-"]').forEach(function (cell) {
        var n = counts[cell.dataset.count.slice(kind.length + 1)] || 0;
        cell.textContent = n ? String(n) : "";
      });
      var allowed = Math.floor(share * (counts[of] || 0) + 1e-9);
      var cell = document.querySelector('[data-allowed="' + kind + '"]');
      cell.textContent = String(allowed);
      cell.classList.toggle("msg-error", (counts[quota] || 0) > allowed);
    });
  }
  form.addEventListener("change", refresh);
})();
