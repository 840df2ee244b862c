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

// A triage form sent back with a 400 carries its own message and keeps what was typed: swap it
// in like a success instead of htmx's default of ignoring error responses.
document.addEventListener("htmx:beforeSwap", (event) => {
  const detail = event.detail;
  if (detail.xhr.status !== 400) return;
  const origin = detail.requestConfig && detail.requestConfig.elt;
  if (!origin || !origin.closest("[data-swap-errors]")) return;
  detail.shouldSwap = true;
  detail.isError = false;
});

// django-htmx's debug helper (HARKEN_DEBUG=1) replaces the whole page with any 400 response;
// a triage form's 400 is a fragment meant for its panel, so keep it from reaching that helper.
window.addEventListener(
  "htmx:beforeOnLoad",
  (event) => {
    const origin = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (event.detail.xhr.status === 400 && origin && origin.closest("[data-swap-errors]")) {
      event.stopPropagation();
    }
  },
  true,
);

// Filter forms marked data-drop-empty leave unset filters out of the URL htmx builds (and pushes
// into the address bar): /inbox/?state=new&source=slack, not a trail of empty parameters.
document.addEventListener("htmx:configRequest", (event) => {
  const origin = event.detail.elt;
  if (!origin || !origin.closest("[data-drop-empty]")) return;
  const params = event.detail.parameters;
  for (const key of Object.keys(params)) {
    if (params[key] === "") delete params[key];
  }
});
