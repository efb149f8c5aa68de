// « Suivi en direct » (templates/orga/live/page.html): the table body follows the class without
// a reload. The server sends server-sent events on the URL in `data-live-source`: `update`
// (the table body's rows), `summary` (the counts) and `end` (no access any more). A stream
// that ends is opened again by the browser itself (EventSource reconnects).
(function () {
  "use strict";
  if (window.orgaLive) { return; }  // loaded once, whichever page brought it
  window.orgaLive = true;

  var source = null;
  var body = null;

  function state(text, kind) {
    var badge = document.querySelector("[data-live-state]");
    if (!badge) { return; }
    badge.textContent = text;
    badge.className = "fr-badge fr-badge--sm fr-badge--no-icon" + (kind ? " fr-badge--" + kind : "");
  }

  function stop() {
    if (source) { source.close(); }
    source = null;
    body = null;
  }

  function start() {
    var found = document.getElementById("live-rows");
    if (found === body && source) { return; }
    stop();
    if (!found || !found.dataset.liveSource || !window.EventSource) { return; }
    body = found;
    source = new EventSource(found.dataset.liveSource);
    source.addEventListener("open", function () { state("En direct", "success"); });
    source.addEventListener("update", function (event) {
      if (!document.body.contains(body)) { stop(); return; }
      body.innerHTML = event.data;
    });
    source.addEventListener("summary", function (event) {
      var summary = document.getElementById("live-summary");
      if (summary) { summary.innerHTML = event.data; }
    });
    source.addEventListener("end", function () {
      stop();
      state("Suivi interrompu : rechargez la page", "error");
    });
    source.addEventListener("error", function () {
      if (!source) { return; }
      if (source.readyState === EventSource.CLOSED) {
        stop();
        state("Suivi interrompu : rechargez la page", "error");
      } else {
        state("Reconnexion…", "warning");
      }
    });
  }

  // A page swapped in by htmx: follow its table, or stop when it has none.
  document.addEventListener("htmx:afterSettle", start);
  window.addEventListener("pagehide", stop);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
