// Escalation pages: a refused or invalid htmx form still shows its message.
// htmx does not swap 4xx responses by default; regions marked
// data-swap-errors take the re-rendered region (with its message) anyway.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if (status >= 400 && status < 500 && target && target.hasAttribute("data-swap-errors")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
