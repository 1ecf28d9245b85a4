// The grid worker's field page (#field): record a door visit in a tap or three, queue it on the phone with
// its client id, send the queue when the network is there, and keep working through drops (service worker).
// The queue holds task numbers and what was typed, nothing else; each item leaves it once the server answered.
(function () {
  "use strict";

  var root = document.getElementById("field");
  var configEl = document.getElementById("field-config");
  if (!root || !configEl) return;

  var cfg = JSON.parse(configEl.textContent);
  var T = cfg.text;
  var EN = (document.documentElement.lang || "").indexOf("en") === 0;
  var QUEUE = "sd.field.queue";
  var REJECTED = "sd.field.rejected";
  var BATCH = 100;
  var FLUSH_EVERY_MS = 15 * 1000;

  var $ = function (id) { return document.getElementById(id); };
  var el = { net: $("f-net"), queue: $("f-queue"), note: $("f-note"), rejected: $("f-rejected"),
             rejectedList: $("f-rejected-list"), rejectedClear: $("f-rejected-clear") };

  function load(key, fallback) {
    try {
      var v = JSON.parse(localStorage.getItem(key));
      return v === null || v === undefined ? fallback : v;
    } catch (e) {
      return fallback;
    }
  }

  function save(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch (e) {
      return false;
    }
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  function pad(n, w) { return String(n).padStart(w || 2, "0"); }

  function isoNow() {
    var d = new Date();
    var off = -d.getTimezoneOffset();
    var sign = off >= 0 ? "+" : "-";
    off = Math.abs(off);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" +
      pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + sign + pad(Math.floor(off / 60)) + ":" + pad(off % 60);
  }

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function reasonText(reason) {
    var parts = String(reason || "").split(" / ");
    return parts.length === 2 ? parts[EN ? 1 : 0] : String(reason || "");
  }

  // ------------------------------------------------------------------ status

  var online = navigator.onLine;
  var authLost = false;

  function setOnline(value) {
    online = value;
    el.net.textContent = value ? T.online : T.offline;
    el.net.className = "guard-net " + (value ? "is-online" : "is-offline");
    root.setAttribute("data-online", value ? "1" : "0");
  }

  function note(text) {
    el.note.textContent = text || "";
    el.note.hidden = !text;
  }

  function showQueue() {
    var q = load(QUEUE, []);
    el.queue.querySelector("b").textContent = String(q.length);
    el.queue.className = "guard-queue" + (q.length ? " has-items" : "");
    root.setAttribute("data-queue", String(q.length));
    // A door already recorded on this phone is not shown again, even on a page served from the cache.
    var waiting = {};
    q.forEach(function (v) { waiting[String(v.task)] = true; });
    document.querySelectorAll(".field-door").forEach(function (li) {
      if (waiting[li.getAttribute("data-task")]) li.hidden = true;
    });
  }

  function showRejected() {
    var list = load(REJECTED, []);
    el.rejected.hidden = list.length === 0;
    el.rejectedList.textContent = "";
    list.slice(-50).reverse().forEach(function (r) {
      var li = document.createElement("li");
      li.textContent = (r.address || "#" + r.task) + " · " + (T[r.outcome] || r.outcome) + " · " + reasonText(r.reason);
      el.rejectedList.appendChild(li);
    });
  }

  // ------------------------------------------------------------------ recording

  function record(form, outcome) {
    var li = form.closest(".field-door");
    var people = form.querySelector("[name=people_present]").value;
    var item = {
      client_id: uuid(),
      task: Number(form.getAttribute("data-task")),
      outcome: outcome,
      people_present: people === "" ? null : Number(people),
      symptomatic: form.querySelector("[name=symptomatic]").checked,
      notes: form.querySelector("[name=notes]").value.trim().slice(0, 500),
      at: isoNow(),
    };
    var q = load(QUEUE, []);
    q.push(item);
    if (!save(QUEUE, q)) {
      note(T.storage_full);
      return;
    }
    li.hidden = true;
    note(online ? "" : T.queued);
    showQueue();
    flushSoon();
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.classList || !form.classList.contains("field-form")) return;
    ev.preventDefault();
    var button = ev.submitter || document.activeElement;
    var outcome = button && button.name === "outcome" ? button.value : "reached";
    record(form, outcome);
  });

  // ------------------------------------------------------------------ upload

  var flushing = false;
  var flushTimer = null;

  function flushSoon() {
    clearTimeout(flushTimer);
    flushTimer = setTimeout(flush, 200);
  }

  function flush() {
    if (flushing || authLost) return;
    var batch = load(QUEUE, []).slice(0, BATCH);
    if (!batch.length) return;
    flushing = true;
    fetch(cfg.api, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept": "application/json" },
      body: JSON.stringify({ visits: batch }),
    }).then(function (r) {
      setOnline(true);
      if (r.status === 401 || r.status === 403) { authLost = true; note(T.login); return null; }
      if (r.status !== 200) return null;
      return r.json().then(function (body) { settle(batch, body.results || []); });
    }, function () {
      setOnline(false);
      note(T.queued);
    }).then(function () {
      flushing = false;
      showQueue();
      if (online && load(QUEUE, []).length > 0 && !authLost) flushSoon();
    });
  }

  function settle(batch, results) {
    var sent = {};
    batch.forEach(function (v) { sent[v.client_id] = v; });
    var done = {};
    var rejected = load(REJECTED, []);
    results.forEach(function (res) {
      if (!res || !res.client_id || !sent[res.client_id]) return;
      done[res.client_id] = true;
      if (res.status === "rejected") {
        var v = sent[res.client_id];
        var li = document.getElementById("door-" + v.task);
        var name = li ? li.querySelector(".name") : null;
        rejected.push({ task: v.task, outcome: v.outcome, reason: res.reason, address: name ? name.textContent : "" });
        if (li) li.hidden = false;
      }
    });
    // Re-read: visits recorded while the request was out are still in the queue.
    var left = load(QUEUE, []).filter(function (v) { return !done[v.client_id]; });
    save(QUEUE, left);
    save(REJECTED, rejected.slice(-100));
    showRejected();
    if (!left.length) note("");
  }

  el.rejectedClear.addEventListener("click", function () {
    save(REJECTED, []);
    showRejected();
  });

  // ------------------------------------------------------------------ offline shell

  function prepareOffline() {
    window.shaodianOffline.start(cfg.sw, cfg.scope);
  }

  window.addEventListener("online", function () { setOnline(true); authLost = false; flushSoon(); });
  window.addEventListener("offline", function () { setOnline(false); });
  setOnline(navigator.onLine);
  showQueue();
  showRejected();
  prepareOffline();
  flushSoon();
  setInterval(flush, FLUSH_EVERY_MS);
  root.setAttribute("data-ready", "1");
})();
