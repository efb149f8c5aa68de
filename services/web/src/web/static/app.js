// Orga web: the little behaviour pages need beyond the design system and htmx.
// No inline script anywhere (the Content-Security-Policy forbids it): everything is here.
(function () {
  "use strict";

  // The token is on #page, the part htmx swaps: it stays current after a login changes it.
  function csrf() {
    var page = document.getElementById("page");
    return page ? page.dataset.csrf || "" : "";
  }

  // htmx requests carry the CSRF token as a header (forms also carry it as a field).
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrf();
  });

  // A form is sent once: a double click or Enter pressed twice does not send it again
  // (the server records an answer once anyway, by its idempotency key).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.sending === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    window.setTimeout(function () { form.dataset.sending = ""; }, 5000);
  }, true);

  // Timed challenges: a countdown; when it reaches zero the answer is marked late.
  function startTimers(root) {
    root.querySelectorAll("[data-countdown]").forEach(function (el) {
      if (el.dataset.started) { return; }
      el.dataset.started = "1";
      var left = parseInt(el.dataset.countdown, 10);
      var field = document.getElementById(el.dataset.field || "");
      var display = el.querySelector("[data-countdown-value]");
      var done = el.querySelector("[data-countdown-done]");
      function show() {
        var m = Math.floor(left / 60), s = left % 60;
        if (display) { display.textContent = m + ":" + (s < 10 ? "0" : "") + s; }
      }
      show();
      var handle = window.setInterval(function () {
        if (!document.body.contains(el)) { window.clearInterval(handle); return; }
        left = Math.max(0, left - 1);
        show();
        if (left === 0) {
          window.clearInterval(handle);
          if (field) { field.value = "true"; }
          if (done) { done.hidden = false; }
        }
      }, 1000);
    });
  }

  // "Copier" buttons copy the text of their target (campaign code, link).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var target = document.getElementById(button.dataset.copy);
    if (!target || !navigator.clipboard) { return; }
    navigator.clipboard.writeText(target.value || target.textContent.trim()).then(function () {
      var status = document.getElementById(button.dataset.copy + "-status");
      if (status) { status.textContent = "Copié dans le presse-papiers."; }
    });
  });

  // After htmx swaps the page in, move the focus to the main content (screen readers hear the
  // new page) unless an element asked for the focus itself.
  document.addEventListener("htmx:afterSettle", function (event) {
    startTimers(document);
    var autofocus = document.querySelector("[data-autofocus]");
    var main = document.getElementById("contenu");
    if (autofocus) { autofocus.focus(); } else if (main) { main.focus(); }
  });

  document.addEventListener("DOMContentLoaded", function () { startTimers(document); });
})();
