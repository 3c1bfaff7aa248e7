// Starts the NHS.UK frontend's components (header menu, error summary focus, buttons against double submits, ...).
// Every page works without it.
import { initAll } from '/assets/nhsuk/nhsuk-frontend.min.js';

initAll();
