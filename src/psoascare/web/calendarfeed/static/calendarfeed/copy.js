// "Copy the link": shown only when the clipboard can be written; without it the field can still be selected.
(function () {
  "use strict";
  var button = document.getElementById("copy-feed-url");
  var status = document.getElementById("copy-status");
  var field = button && document.getElementById(button.dataset.copyTarget);
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
      function () { status.textContent = "Copied."; },
      function () { field.select(); status.textContent = "Select the link and copy it."; }
    );
  });
})();
