// Alpine components (CSP build: no inline expressions, so components are registered here).
document.addEventListener("alpine:init", () => {
  window.Alpine.data("menu", () => ({
    open: false,
    toggle() { this.open = !this.open; },
    get expandedText() { return this.open ? "true" : "false"; },
    get navClass() { return this.open ? "open" : ""; },
  }));
});
