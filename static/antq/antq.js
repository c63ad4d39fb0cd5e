// Alpine components (CSP build: no inline expressions, so components are registered here).
document.addEventListener("alpine:init", () => {
  window.Alpine.data("menu", () => ({
    open: false,
    toggle() { this.open = !this.open; },
    get expandedText() { return this.open ? "true" : "false"; },
    get navClass() { return this.open ? "open" : ""; },
  }));
});

// Unit form: show the attributes of the chosen kind only (enterprise size, school level…).
function showFieldsForKind() {
  const kind = document.getElementById("id_kind");
  if (!kind) return;
  document.querySelectorAll("[data-kinds]").forEach((input) => {
    const field = input.closest(".field");
    if (field) field.hidden = !input.dataset.kinds.split(" ").includes(kind.value);
  });
}
document.addEventListener("DOMContentLoaded", () => {
  showFieldsForKind();
  const kind = document.getElementById("id_kind");
  if (kind) kind.addEventListener("change", showFieldsForKind);
});
