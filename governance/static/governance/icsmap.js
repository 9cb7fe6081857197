// The NHS.UK frontend's components (header menu, skip link, error summary…). A file, not an
// inline script, so the Content-Security-Policy needs no 'unsafe-inline'.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";

initAll();
