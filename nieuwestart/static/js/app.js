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

  // Import progress (trajectories/import_progress.html): "Verder verwerken" processes one batch
  // of rows and reloads the page. With JavaScript, keep asking the server for the next batch
  // and show the progress on this page; at the end, reload once to show the rejected rows.
  var importBox = document.querySelector("[data-import-step]");
  var continueForm = document.querySelector("form[data-import-continue]");
  if (importBox && continueForm && window.fetch) {
    continueForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = continueForm.querySelector("button");
      var token = continueForm.querySelector("input[name=csrfmiddlewaretoken]");
      var progress = importBox.querySelector("progress");
      var text = importBox.querySelector("[data-import-text]");
      var lastDone = -1;
      if (button) {
        button.disabled = true;
      }

      function show(summary) {
        if (progress) {
          progress.max = summary.total;
          progress.value = summary.done;
        }
        if (text) {
          text.textContent = text.getAttribute("data-import-text")
            .replace("{done}", summary.done)
            .replace("{total}", summary.total);
        }
        Object.keys(summary).forEach(function (key) {
          var cell = document.querySelector('[data-count="' + key + '"]');
          if (cell) {
            cell.textContent = summary[key];
          }
        });
      }

      function step() {
        fetch(importBox.getAttribute("data-import-step"), {
          method: "POST",
          credentials: "same-origin",
          headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
        })
          .then(function (response) {
            if (!response.ok) {
              throw new Error(String(response.status));
            }
            return response.json();
          })
          .then(function (summary) {
            show(summary);
            // Stop when nothing is left, or when a round made no progress (never loop forever).
            if (summary.wachtend > 0 && summary.done > lastDone) {
              lastDone = summary.done;
              step();
            } else {
              window.location.reload();
            }
          })
          .catch(function () {
            // Fall back to the plain form: one batch per click, without JavaScript.
            continueForm.submit();
          });
      }

      step();
    });
  }
})();
