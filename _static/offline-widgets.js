// The static book has no Python kernel: a live explorer's controls show the state saved when the
// book was built and cannot recompute. Say so above each explorer, and point to the static
// companion below it and to the ways of running the chapter.
document.addEventListener("DOMContentLoaded", () => {
  const views = document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]'
  );
  const outputs = new Set([...views].map((s) => s.closest(".cell_output") || s.parentElement));
  outputs.forEach((output) => {
    const note = document.createElement("p");
    note.className = "offline-widget-note";
    note.innerHTML =
      "<strong>Live explorer.</strong> On this web page there is no Python kernel: the controls " +
      "below show the settings saved when the book was built, and moving them recomputes " +
      "nothing. The animation or figure after the explorer shows the same dynamics. To use " +
      "the controls, run the chapter: <code>make lab</code> in the repository, or the launch " +
      "button (rocket) at the top of the page.";
    output.parentElement.insertBefore(note, output);
    output.classList.add("offline-widget");
  });
});
