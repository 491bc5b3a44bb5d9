// Moves focus to the error summary at the top of a refused form, so keyboard and screen-reader
// users start from the list of what to fix. A file, not inline script: the CSP allows 'self' only.
// Without JavaScript the summary is still the first thing in the page's content.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
