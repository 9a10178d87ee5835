// Live meeting screens. A page opts in with
//   <div data-live-url="/exchanges/12/live/" data-live-seq="41">…</div>
// (data-live-seq: the number of the last event the page was rendered with).
// The server streams Server-Sent Events; each "change" event carries the HTML
// of the page regions that changed, and this file swaps every
// #region-<name> element with it. No inline scripts; works under a strict CSP.
(function () {
  "use strict";

  var root = document.querySelector("[data-live-url]");
  if (!root || !window.EventSource) return;

  var baseUrl = root.getAttribute("data-live-url");
  var lastSeq = root.getAttribute("data-live-seq") || "";
  var source = null;
  var retryDelay = 1000;
  var statusTimer = null;
  var pending = {}; // region name -> {html, element}: held back while someone types in it

  // A quiet "reconnecting" note, shown only when the stream is down for a moment.
  // The page may provide it (id="live-status"); otherwise it is added here.
  var status = document.getElementById("live-status");
  if (!status) {
    status = document.createElement("p");
    status.id = "live-status";
    status.className = "live-status";
    status.setAttribute("role", "status");
    status.hidden = true;
    status.textContent = "Reconnecting…";
    root.insertBefore(status, root.firstChild);
  }

  function setState(state) {
    root.setAttribute("data-live-state", state);
    window.clearTimeout(statusTimer);
    if (state === "open") {
      status.hidden = true;
    } else {
      statusTimer = window.setTimeout(function () { status.hidden = false; }, 1500);
    }
  }

  // --- drafts -----------------------------------------------------------------
  var TEXT_FIELDS = "textarea, select, [contenteditable='true'], [contenteditable=''], " +
    "input:not([type=button]):not([type=submit]):not([type=reset]):not([type=hidden])" +
    ":not([type=checkbox]):not([type=radio])";

  function isEditing(region) {
    var active = document.activeElement;
    return !!(active && active !== document.body && region.contains(active) &&
      active.matches(TEXT_FIELDS));
  }

  // The same field in the fresh HTML: by id, else by form, hidden values and name.
  function fieldKey(field) {
    if (field.id) return "#" + field.id;
    var form = field.form;
    var where = "";
    if (form) {
      where = form.getAttribute("action") || form.id || "";
      form.querySelectorAll("input[type=hidden]").forEach(function (hidden) {
        if (hidden.name !== "csrfmiddlewaretoken") where += "&" + hidden.name + "=" + hidden.value;
      });
    }
    return where + "|" + field.name;
  }

  function isDirty(field) {
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return field.value !== field.defaultValue;
  }

  // What the person typed but has not sent: kept across a swap.
  function collectDrafts(region) {
    var drafts = {};
    region.querySelectorAll("input, textarea, select").forEach(function (field) {
      if ((field.name || field.id) && field.type !== "hidden" && isDirty(field)) {
        drafts[fieldKey(field)] = field;
      }
    });
    return drafts;
  }

  // The same kind of field on another form of the same action: a question typed for
  // the request the chair has just moved on from lands in the question box of the
  // request now discussed (questions are only about that one), so no text is lost.
  function looseKey(field) {
    var form = field.form;
    return (form ? form.getAttribute("action") || "" : "") + "|" + field.name;
  }

  function restoreDrafts(region, drafts) {
    var loose = {};
    var used = {};
    Object.keys(drafts).forEach(function (key) { loose[looseKey(drafts[key])] = drafts[key]; });
    region.querySelectorAll("input, textarea, select").forEach(function (field) {
      if (drafts[fieldKey(field)]) used[looseKey(field)] = true;
    });
    region.querySelectorAll("input, textarea, select").forEach(function (field) {
      var old = drafts[fieldKey(field)];
      if (!old && field.tagName === "TEXTAREA" && !field.value && !used[looseKey(field)]) {
        old = loose[looseKey(field)];
        if (old) used[looseKey(field)] = true;
      }
      if (!old || old.tagName !== field.tagName) return;
      if (field.type === "checkbox" || field.type === "radio") {
        if (old.value === field.value) field.checked = old.checked;
      } else {
        field.value = old.value;
      }
    });
  }

  // --- swapping regions ---------------------------------------------------------
  function markStale(region) {
    region.classList.add("live-stale");
    if (!region.querySelector(":scope > .live-note")) {
      var note = document.createElement("p");
      note.className = "live-note";
      note.textContent = "Updated: this part refreshes when you leave the field. Your text is kept.";
      region.appendChild(note);
    }
  }

  function swap(name, html) {
    var old = document.getElementById("region-" + name);
    if (!old) return;
    if (isEditing(old)) {
      pending[name] = { html: html, element: old };
      markStale(old);
      return;
    }
    delete pending[name];
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    var fresh = template.content.getElementById("region-" + name) || template.content.firstElementChild;
    if (!fresh) return;
    restoreDrafts(fresh, collectDrafts(old));
    var helpers = window.exchange || {};
    var active = document.activeElement;
    var hadFocus = !!active && old.contains(active);
    var key = hadFocus && helpers.focusKey ? helpers.focusKey(active) : null;
    var before = old.getAttribute("data-current-item");
    var anchor = before !== null ? readingAnchor(old) : null;
    var wasMine = name === "stage" && old.getAttribute("data-your-move") === "true";
    old.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
    if (hadFocus && helpers.restoreFocus) helpers.restoreFocus(fresh, key, fresh);
    if (name === "requests") follow(fresh, before, anchor);
    if (name === "stage") {
      var mine = helpers.showTurn ? helpers.showTurn() : false;
      if (mine && !wasMine) {
        announce("Your move: " + (fresh.getAttribute("data-turn") || ""));
        var nothingFocused = !document.activeElement || document.activeElement === document.body;
        if (nothingFocused) {
          var banner = document.getElementById("your-move");
          if (banner) banner.focus({ preventScroll: !following() });
        }
      }
    }
  }

  // --- following the chair ------------------------------------------------------
  function following() {
    return !(window.exchange && window.exchange.following) || window.exchange.following();
  }

  // The request nearest the top of the screen, and where it sits: kept in place
  // when the person reads elsewhere with "follow" off.
  function readingAnchor(region) {
    var best = null;
    region.querySelectorAll("article[id^='request-']").forEach(function (article) {
      var top = article.getBoundingClientRect().top;
      if (best === null || (top <= 80 && top > best.top) || (best.top > 80 && top < best.top)) {
        best = { id: article.id, top: top };
      }
    });
    return best;
  }

  function follow(fresh, before, anchor) {
    var now = fresh.getAttribute("data-current-item");
    if (following()) {
      if (now && now !== before) {
        var current = document.getElementById("request-" + now);
        if (current) current.scrollIntoView({ block: "start" });
      }
      return;
    }
    if (anchor) {
      var again = document.getElementById(anchor.id);
      if (again) window.scrollBy(0, again.getBoundingClientRect().top - anchor.top);
    }
  }

  var announcer = null;
  function announce(text) {
    if (!announcer) {
      announcer = document.createElement("p");
      announcer.className = "visually-hidden";
      announcer.setAttribute("aria-live", "polite");
      document.body.appendChild(announcer);
    }
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function flushPending() {
    Object.keys(pending).forEach(function (name) {
      var held = pending[name];
      delete pending[name];
      // The person's own htmx request re-rendered that region meanwhile: what was
      // held back is older than what they see now.
      if (document.contains(held.element)) swap(name, held.html);
    });
  }

  // Swap what was held back once the person has left the field, but never in
  // the middle of a click (the button they press must stay the one they pressed).
  var pointerDown = false;
  function flushSoon() {
    window.setTimeout(function () { if (!pointerDown) flushPending(); }, 0);
  }
  document.addEventListener("pointerdown", function () { pointerDown = true; }, true);
  document.addEventListener("pointerup", function () {
    pointerDown = false;
    window.setTimeout(flushSoon, 50); // after the click has been handled
  }, true);
  document.addEventListener("focusout", flushSoon);

  // --- the stream ---------------------------------------------------------------
  function onChange(event) {
    var data;
    try { data = JSON.parse(event.data); } catch (e) { return; }
    if (event.lastEventId) lastSeq = event.lastEventId;
    var regions = data.regions || {};
    Object.keys(regions).forEach(function (name) { swap(name, regions[name]); });
    root.dispatchEvent(new CustomEvent("live:change", { bubbles: true, detail: data }));
  }

  function onReload() {
    source.close();
    window.location.reload();
  }

  function connect() {
    var url = baseUrl;
    if (lastSeq) url += (url.indexOf("?") < 0 ? "?" : "&") + "after=" + encodeURIComponent(lastSeq);
    source = new EventSource(url);
    source.addEventListener("open", function () {
      retryDelay = 1000;
      setState("open");
    });
    source.addEventListener("error", function () {
      setState("reconnecting");
      // The browser reconnects by itself (with Last-Event-ID) unless the server
      // refused the stream; then try again a little later from where we were.
      if (source.readyState === EventSource.CLOSED) {
        window.setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
      }
    });
    source.addEventListener("change", onChange);
    source.addEventListener("presence", onChange);
    source.addEventListener("reload", onReload);
    source.addEventListener("unavailable", function () {
      // The server cannot stream (not served under ASGI): the page works as it is.
      source.close();
      window.clearTimeout(statusTimer);
      status.hidden = true;
      root.setAttribute("data-live-state", "off");
    });
  }

  window.addEventListener("pagehide", function () { if (source) source.close(); });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) connect(); // back from the back/forward cache
  });
  setState("connecting");
  connect();
})();
