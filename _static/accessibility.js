// WCAG 2.1 AA fixes to the theme's own controls and to the saved explorers' sliders, checked by
// axe-core in tests/test_browser.py (rule "label-content-name-mismatch" and "aria-input-field-name").
function fixThemeControls() {
  // The search button shows "Search Ctrl+K" but is named "Search": name it by what it shows.
  document.querySelectorAll(".search-button-field").forEach((button) => {
    button.setAttribute("aria-label", button.textContent.replace(/\s+/g, " ").trim());
  });
  // The colour-mode button's three icons carry tooltips ("Light", "Dark", "System Settings")
  // that count as its visible text; the button's own name "Color mode" says what it does.
  // Font Awesome turns each icon into an <svg role="img"> with a <title>, at a moment of its own:
  // the icons are hidden from assistive technology in either form.
  document.querySelectorAll(".theme-switch-button .theme-switch").forEach((icon) => {
    icon.removeAttribute("title");
    icon.removeAttribute("aria-labelledby");
    icon.removeAttribute("role");
    icon.querySelectorAll("title").forEach((t) => t.remove());
    icon.setAttribute("aria-hidden", "true");
  });
  // docutils writes each bibliography entry with role "doc-biblioentry", which ARIA 1.2
  // deprecates, inside a role="list" that then has no list items: make them list items.
  document.querySelectorAll('.citation-list [role="doc-biblioentry"]').forEach((entry) => {
    entry.setAttribute("role", "listitem");
  });
}
document.addEventListener("DOMContentLoaded", fixThemeControls);
window.addEventListener("load", fixThemeControls);

// The saved explorers' sliders (noUiSlider handles with role="slider") have no name; the label
// the widget shows beside them (its ipywidgets description) becomes their name.
function nameWidgetSliders(root) {
  root.querySelectorAll('.widget-slider [role="slider"]:not([aria-labelledby])').forEach((handle) => {
    const box = handle.closest(".widget-slider");
    const label = box && box.querySelector(".widget-label");
    if (!label || !label.textContent.trim()) return;
    if (!label.id) label.id = "widget-label-" + Math.random().toString(36).slice(2, 10);
    handle.setAttribute("aria-labelledby", label.id);
  });
}
let pending = false;
new MutationObserver(() => {
  if (pending) return;
  pending = true;
  setTimeout(() => {
    pending = false;
    nameWidgetSliders(document);
    fixThemeControls();
  }, 50);
}).observe(document.documentElement, {
  childList: true,
  subtree: true,
});
