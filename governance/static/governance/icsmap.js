// The NHS.UK frontend's components (header menu, skip link, error summary…). A file, not an
// inline script, so the Content-Security-Policy needs no 'unsafe-inline'.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

initAll();

// The system diagram opens at its own size in a frame that scrolls; start with its middle in
// view (the top board is drawn centred), not its empty top-left corner.
for (const view of document.querySelectorAll(".icsmap-diagram__view")) {
  const centre = () => { view.scrollLeft = (view.scrollWidth - view.clientWidth) / 2; };
  const image = view.querySelector("img");
  if (image && !image.complete) image.addEventListener("load", centre, { once: true });
  else centre();
}
