// Pix Orga, the campaign forms: show a field only when it applies (the target profile and the
// title for an assessment, the external id's type and label when one is asked). A hidden
// field is disabled, so it is not sent. Without this script every field shows.
(function () {
  "use strict";

  function chosen(form, name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : "";
  }

  function update(root) {
    root.querySelectorAll("[data-show-if]").forEach(function (block) {
      var form = block.closest("form");
      if (!form) { return; }
      var rule = block.dataset.showIf.split("=");
      var shown = chosen(form, rule[0]) === rule[1];
      block.hidden = !shown;
      block.querySelectorAll("input, select, textarea").forEach(function (field) {
        field.disabled = !shown;
      });
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches('input[type="radio"]')) { update(document); }
  });
  document.addEventListener("htmx:afterSettle", function () { update(document); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { update(document); });
  } else {
    update(document);
  }
})();
