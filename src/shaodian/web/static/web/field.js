// The grid worker's field page (#field): record a door visit in a tap or three, queue it on the phone with
// its client id, send the queue when the network is there, and keep working through drops (service worker).
// The queue holds task numbers and what was typed, nothing else; each item leaves it once the server answered.
(function () {
  "use strict";

  var root = document.getElementById("field");
  var configEl = document.getElementById("field-config");
  if (!root || !configEl) return;

  var off = window.shaodianOffline;
  var cfg = JSON.parse(configEl.textContent);
  var T = cfg.text;
  var QUEUE = "sd.field.queue";
  var REJECTED = "sd.field.rejected";
  var BATCH = 100;
  var FLUSH_EVERY_MS = 15 * 1000;

  var $ = function (id) { return document.getElementById(id); };
  var el = { net: $("f-net"), queue: $("f-queue"), note: $("f-note"), rejected: $("f-rejected"),
             rejectedList: $("f-rejected-list"), rejectedClear: $("f-rejected-clear") };

  function pad(n, w) { return String(n).padStart(w || 2, "0"); }

  function isoNow() {
    var d = new Date();
    var off = -d.getTimezoneOffset();
    var sign = off >= 0 ? "+" : "-";
    off = Math.abs(off);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" +
      pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + sign + pad(Math.floor(off / 60)) + ":" + pad(off % 60);
  }

  // ------------------------------------------------------------------ status

  var online = navigator.onLine;
  var authLost = false;

  function setOnline(value) {
    online = value;
    off.showNet(el.net, root, T, value);
  }

  function note(text) {
    off.note(el.note, text);
  }

  function showQueue() {
    var q = off.list(QUEUE);
    off.showCount(el.queue, root, q.length);
    // A door already recorded on this phone is not shown again, even on a page served from the cache.
    var waiting = {};
    q.forEach(function (v) { waiting[String(v.task)] = true; });
    document.querySelectorAll(".field-door").forEach(function (li) {
      if (waiting[li.getAttribute("data-task")]) li.hidden = true;
    });
  }

  function showRejected() {
    var list = off.list(REJECTED);
    el.rejected.hidden = list.length === 0;
    el.rejectedList.textContent = "";
    list.slice(-50).reverse().forEach(function (r) {
      var li = document.createElement("li");
      li.textContent = (r.address || "#" + r.task) + " · " + (T[r.outcome] || r.outcome) + " · " + off.bilingual(r.reason);
      el.rejectedList.appendChild(li);
    });
  }

  // ------------------------------------------------------------------ recording

  function record(form, outcome) {
    var li = form.closest(".field-door");
    var people = form.querySelector("[name=people_present]").value;
    var item = {
      client_id: off.uuid(),
      task: Number(form.getAttribute("data-task")),
      outcome: outcome,
      people_present: people === "" ? null : Number(people),
      symptomatic: form.querySelector("[name=symptomatic]").checked,
      notes: form.querySelector("[name=notes]").value.trim().slice(0, 500),
      at: isoNow(),
    };
    var q = off.list(QUEUE);
    q.push(item);
    if (!off.save(QUEUE, q)) {
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

  function send() {
    if (authLost) return null;
    var batch = off.list(QUEUE).slice(0, BATCH);
    if (!batch.length) return null;
    return off.post(cfg.api, { visits: batch }).then(function (r) {
      setOnline(true);
      if (r.status === 401 || r.status === 403) { authLost = true; note(T.login); return null; }
      if (r.status !== 200) return null;
      return r.json().then(function (body) { settle(batch, body.results || []); });
    }, function () {
      setOnline(false);
      note(T.queued);
    });
  }

  var sender = off.sender({
    send: send, after: showQueue, delay: 200, every: FLUSH_EVERY_MS,
    again: function () { return online && off.list(QUEUE).length > 0 && !authLost; },
  });

  function flushSoon() {
    sender.soon();
  }

  function settle(batch, results) {
    var sent = {};
    batch.forEach(function (v) { sent[v.client_id] = v; });
    var done = {};
    var rejected = off.list(REJECTED);
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
    // Visits recorded while the request was out stay in the queue.
    var left = off.drop(QUEUE, done);
    off.save(REJECTED, rejected.slice(-100));
    showRejected();
    if (!left.length) note("");
  }

  el.rejectedClear.addEventListener("click", function () {
    off.save(REJECTED, []);
    showRejected();
  });

  // ------------------------------------------------------------------ offline shell

  function prepareOffline() {
    off.start(cfg.sw, cfg.scope);
  }

  window.addEventListener("online", function () { setOnline(true); authLost = false; flushSoon(); });
  window.addEventListener("offline", function () { setOnline(false); });
  setOnline(navigator.onLine);
  showQueue();
  showRejected();
  prepareOffline();
  flushSoon();
  root.setAttribute("data-ready", "1");
})();
