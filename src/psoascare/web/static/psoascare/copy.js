// "Copy" buttons (button[data-copy-target]): shown only when the clipboard can be written; without it the field
// can still be selected. The result is said in the element named by data-copy-status (a role=status span).
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copyTarget);
    var status = document.getElementById(button.dataset.copyStatus || "");
    if (!field) {
      return;
    }
    field.addEventListener("focus", function () { field.select(); });
    if (!navigator.clipboard || !window.isSecureContext) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(
        function () { if (status) { status.textContent = "Copied."; } },
        function () { field.select(); if (status) { status.textContent = "Select it and copy it."; } }
      );
    });
  });
})();
