// Small progressive enhancements. No inline scripts anywhere: the page works
// without this file, and a strict Content Security Policy holds.
(function () {
  "use strict";

  // Projector mode: larger type on demand, remembered per browser.
  function applyProjector() {
    var on = window.localStorage && localStorage.getItem("projector") === "1";
    document.documentElement.classList.toggle("projector", !!on);
  }
  applyProjector();

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-toggle-projector]");
    if (toggle) {
      var on = localStorage.getItem("projector") === "1";
      localStorage.setItem("projector", on ? "0" : "1");
      applyProjector();
    }
  });

  // Keyboard shortcuts on pages that declare them: data-shortcut="n" on a button.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
    var button = document.querySelector('[data-shortcut="' + event.key + '"]');
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });

  // Confirmation prompts without inline script: data-confirm="Are you sure?"
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);
})();
