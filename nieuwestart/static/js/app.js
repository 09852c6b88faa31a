/*
 * Nieuwe Start: small progressive enhancements. Every page also works without JavaScript.
 * No inline scripts anywhere (the Content-Security-Policy forbids them); this file is loaded
 * with "defer" from base.html.
 */
(function () {
  "use strict";

  // After a failed form submit, move the keyboard focus to the error summary, so that keyboard
  // and screen reader users hear at once what went wrong (forms/utrecht_form.html).
  var summary = document.querySelector("[data-ns-error-summary]");
  if (summary) {
    summary.focus();
  }

  // <form data-ns-confirm="Weet u het zeker?">: ask before a far-reaching action is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form instanceof HTMLFormElement ? form.getAttribute("data-ns-confirm") : null;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
