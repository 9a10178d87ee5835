// Small progressive enhancements. No inline scripts anywhere: the page works
// without this file, and a strict Content Security Policy holds.
(function () {
  "use strict";

  function stored(name, fallback) {
    try {
      var value = window.localStorage.getItem(name);
      return value === null ? fallback : value === "1";
    } catch (e) {
      return fallback;
    }
  }

  function store(name, on) {
    try { window.localStorage.setItem(name, on ? "1" : "0"); } catch (e) { /* private mode */ }
  }

  // --- toggles: large type, following the chair, keyboard shortcuts ------------
  // Each is a button with aria-pressed, remembered per browser.
  var TOGGLES = {
    projector: { selector: "[data-toggle-projector]", fallback: false },
    follow: { selector: "[data-toggle-follow]", fallback: true },
    shortcuts: { selector: "[data-toggle-shortcuts]", fallback: true },
  };

  function isOn(name) {
    return stored(name, TOGGLES[name].fallback);
  }

  function applyToggles() {
    document.documentElement.classList.toggle("projector", isOn("projector"));
    Object.keys(TOGGLES).forEach(function (name) {
      document.querySelectorAll(TOGGLES[name].selector).forEach(function (button) {
        button.setAttribute("aria-pressed", isOn(name) ? "true" : "false");
        if (name === "shortcuts") {
          button.textContent = isOn(name) ? "Keyboard shortcuts on" : "Keyboard shortcuts off";
        }
      });
    });
  }
  document.documentElement.classList.toggle("projector", isOn("projector"));
  document.addEventListener("DOMContentLoaded", applyToggles);

  document.addEventListener("click", function (event) {
    Object.keys(TOGGLES).forEach(function (name) {
      if (event.target.closest(TOGGLES[name].selector)) {
        store(name, !isOn(name));
        applyToggles();
      }
    });
    if (event.target.closest("[data-open-shortcuts]")) openShortcuts();
    var close = event.target.closest("[data-close-dialog]");
    if (close) close.closest("dialog").close();
    var goTo = event.target.closest("[data-go-to-move]");
    if (goTo) {
      var target = document.querySelector(goTo.getAttribute("href"));
      if (target) {
        event.preventDefault();
        focusMove(target);
      }
    }
  });

  window.exchange = window.exchange || {};
  window.exchange.following = function () { return isOn("follow"); };

  // --- whose move: the tab title and icon say it, for a tab in the background -----
  var baseTitle = document.title;
  var icon = document.querySelector("link[rel=icon]");
  var baseIcon = icon ? icon.getAttribute("href") : null;

  function showTurn() {
    var stage = document.getElementById("region-stage");
    var mine = !!stage && stage.getAttribute("data-your-move") === "true";
    document.title = mine ? "Your move · " + baseTitle : baseTitle;
    if (icon && baseIcon) {
      icon.setAttribute("href", mine ? baseIcon.replace("favicon.svg", "favicon-move.svg") : baseIcon);
    }
    return mine;
  }
  window.exchange.showTurn = showTurn;
  document.addEventListener("DOMContentLoaded", showTurn);

  // --- focus across a swap ------------------------------------------------------
  // Where the person was, as keys that survive re-rendering: the element itself (its
  // id, its data-focus-key, or its form's action with the hidden values and its
  // name), then each enclosing element with an id, nearest first.
  function formKey(form) {
    var where = form.getAttribute("action") || "";
    form.querySelectorAll("input[type=hidden]").forEach(function (hidden) {
      if (hidden.name !== "csrfmiddlewaretoken") where += "&" + hidden.name + "=" + hidden.value;
    });
    return where;
  }

  function focusKey(element) {
    if (!element || element === document.body) return null;
    var keys = [];
    if (element.id) {
      keys.push("#" + CSS.escape(element.id));
    } else if (element.getAttribute("data-focus-key")) {
      keys.push("[data-focus-key='" + element.getAttribute("data-focus-key") + "']");
    } else {
      var form = element.form || element.closest("form");
      if (form) keys.push({ form: formKey(form), name: element.name || "", tag: element.tagName, text: element.textContent.trim() });
    }
    for (var up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (up.id && !/^(meeting-live|main)$/.test(up.id)) keys.push("#" + CSS.escape(up.id));
    }
    return keys;
  }

  function findOne(root, key) {
    if (typeof key === "string") {
      try { return root.querySelector(key) || (root.matches && root.matches(key) ? root : null); } catch (e) { return null; }
    }
    var found = null;
    root.querySelectorAll("form").forEach(function (form) {
      if (found || formKey(form) !== key.form) return;
      found = Array.prototype.find.call(form.querySelectorAll(key.tag), function (el) {
        return (el.name || "") === key.name && (key.tag !== "BUTTON" || el.textContent.trim() === key.text);
      }) || null;
    });
    return found;
  }

  function visible(element) {
    return !!element && !element.disabled && element.getClientRects().length > 0;
  }

  function focusMove(target) {
    if (!target) return false;
    var details = target.closest("details");
    if (details && !details.open) details.open = true;
    if (!target.hasAttribute("tabindex") && !target.matches("a[href], button, input, select, textarea, summary")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "nearest" });
    return document.activeElement === target;
  }

  // After a region is replaced: back to the same control if it is still there;
  // else to the person's move if they have one now; else to the nearest part of
  // the page that is still there (the request they worked on); never to <body>.
  function restoreFocus(root, keys, fallbackRegion) {
    keys = keys || [];
    var same = keys.length ? findOne(root, keys[0]) : null;
    if (visible(same)) { same.focus({ preventScroll: true }); return; }
    var move = document.getElementById("your-move");
    if (move && root.contains(move)) { focusMove(move); return; }
    for (var i = 1; i < keys.length; i++) {
      var near = findOne(root, keys[i]);
      if (near && near.getClientRects().length) { focusMove(near); return; }
    }
    if (fallbackRegion && document.contains(fallbackRegion)) focusMove(fallbackRegion);
  }
  window.exchange.focusKey = focusKey;
  window.exchange.restoreFocus = restoreFocus;

  var pendingFocus = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement;
    var target = event.detail.target;
    pendingFocus = null;
    if (target && active && (target.contains(active) || active === document.body)) {
      pendingFocus = { key: focusKey(active), target: target.id };
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    showTurn();
    var pending = pendingFocus;
    pendingFocus = null;
    if (!pending) return;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return; // kept by htmx
    var region = pending.target ? document.getElementById(pending.target) : null;
    restoreFocus(region || document.body, pending.key, region);
  });

  // django-htmx's debug helper (DEBUG only) replaces the whole page with any 400,
  // 403 or 404 answer to an htmx request. Our forms answer those with a region to
  // swap in (the form and its errors), not an error page: keep it from the helper.
  document.documentElement.addEventListener("htmx:beforeOnLoad", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status < 400 || xhr.status >= 500) return;
    var text = (xhr.responseText || "").trimStart().slice(0, 200).toLowerCase();
    if (text.indexOf("<!doctype") !== 0 && text.indexOf("<html") !== 0) event.stopPropagation();
  });

  // --- keyboard shortcuts -------------------------------------------------------
  // Letters need Alt+Shift (so nothing fires while someone types or sits on a link);
  // "?" lists them. All of them can be turned off in that list.
  function typing(target) {
    var tag = (target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  function openShortcuts() {
    var dialog = document.getElementById("shortcuts");
    if (dialog && !dialog.open) {
      applyToggles();
      dialog.showModal();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || typing(event.target)) return;
    if (event.key === "?" && !event.altKey) {
      if (!isOn("shortcuts") || !document.getElementById("shortcuts")) return;
      event.preventDefault();
      openShortcuts();
      return;
    }
    if (!(event.altKey && event.shiftKey) || !isOn("shortcuts")) return;
    var letter = (event.code || "").replace(/^Key/, "").toLowerCase();
    if (letter === "m") {
      var move = document.getElementById("your-move");
      if (move) { event.preventDefault(); focusMove(move); }
      return;
    }
    var button = document.querySelector('[data-shortcut="' + letter + '"]');
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });

  // --- a step's time box: a countdown on every screen, never a lock ----------------
  function tick() {
    document.querySelectorAll("[data-timebox-ends]").forEach(function (timer) {
      var ends = Date.parse(timer.getAttribute("data-timebox-ends"));
      if (isNaN(ends)) return;
      var left = Math.round((ends - Date.now()) / 1000);
      var over = left < 0;
      var seconds = Math.abs(left);
      var text = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
      var out = timer.querySelector("[data-timebox-clock]");
      if (out) out.textContent = over ? text + " over" : text + " left";
      timer.classList.toggle("timer--over", over);
    });
  }
  window.setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);

  // Confirmation prompts without inline script: data-confirm="Are you sure?"
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);
})();
