// Marks the page as scripted before it is drawn, as the NHS.UK frontend's page template does inline (our CSP allows
// no inline script): components that need JavaScript style themselves only when it runs.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');
