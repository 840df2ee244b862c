// Copies the text a product manager selects in a note into the link form's "highlight" field,
// so a passage (not only the whole note) can be linked to a feature.
document.addEventListener("mouseup", () => {
  const body = document.querySelector("[data-highlight-source]");
  const field = document.querySelector("[data-highlight-target]");
  if (!body || !field) return;
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed) return;
  if (!body.contains(selection.anchorNode)) return;
  field.value = selection.toString().trim();
});
