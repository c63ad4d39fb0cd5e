// Offer only the documents of the unit picked (each option carries its unit in data-node).
(function () {
  var node = document.getElementById("id_node"), doc = document.getElementById("id_founding_document");
  if (!node || !doc || node.tagName !== "SELECT") { return; }
  function narrow() {
    Array.prototype.forEach.call(doc.options, function (o) {
      var hide = Boolean(o.dataset.node && node.value && o.dataset.node !== node.value);
      o.hidden = hide; o.disabled = hide;
      if (hide && o.selected) { doc.value = ""; }
    });
  }
  node.addEventListener("change", narrow);
  narrow();
})();
