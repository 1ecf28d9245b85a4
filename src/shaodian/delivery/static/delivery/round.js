// A volunteer's delivery round (#round): a tap at a door is queued on the phone with its client id, shown at once,
// and sent to POST /api/v1/delivery/rounds/<id>/taps when the network is there; the service worker keeps the page.
// The queue holds round and door numbers, the outcome and the reason typed: no name, no address, no phone number.
// Without this script the page still posts each tap as a form.
(function () {
  "use strict";

  var root = document.getElementById("round");
  var configEl = document.getElementById("round-config");
  if (!root || !configEl) return;

  var cfg = JSON.parse(configEl.textContent);
  var T = cfg.text;
  var EN = (document.documentElement.lang || "").indexOf("en") === 0;
  var QUEUE = "sd.round.queue";
  var REJECTED = "sd.round.rejected";
  var BATCH = 100;
  var FLUSH_EVERY_MS = 15 * 1000;
  var REASON_MAX = 200;

  var $ = function (id) { return document.getElementById(id); };
  var el = { net: $("r-net"), queue: $("r-queue"), note: $("r-note"), rejected: $("r-rejected"),
             rejectedList: $("r-rejected-list"), rejectedClear: $("r-rejected-clear"), progress: $("progress") };

  function load(key, fallback) {
    try {
      var v = JSON.parse(localStorage.getItem(key));
      return Array.isArray(v) ? v : fallback;
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

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // ------------------------------------------------------------------ what the page shows

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

  function door(stop) {
    return document.getElementById("stop-" + stop);
  }

  function doorLabel(stop) {
    var li = door(stop);
    var head = li ? li.querySelector(".door-head span") : null;
    return head ? head.textContent : "#" + stop;
  }

  // A door as this phone last tapped it: its state, its reason, and whether the tap still waits to be sent.
  function showDoor(stop, status, reason, waiting) {
    var li = door(stop);
    if (!li) return;
    li.classList.remove("pending", "delivered", "unreached");
    li.classList.add(status);
    li.classList.toggle("queued", !!waiting);
    li.querySelector(".door-state").textContent = (T[status] || status) + (waiting ? " · " + T.waiting : "");
    var why = li.querySelector(".door-reason");
    if (status === "unreached" && reason) {
      if (!why) {
        why = document.createElement("div");
        why.className = "small warn door-reason";
        li.insertBefore(why, li.querySelector("form"));
      }
      why.textContent = reason;
    } else if (why) {
      why.remove();
    }
    var form = li.querySelector("form.door-actions");
    if (form) form.hidden = status === "delivered";
    // The close form asks a reason only for doors not delivered.
    var closeRow = $("reason-" + stop);
    if (closeRow) {
      closeRow.closest(".form-row").hidden = status === "delivered";
      if (status === "unreached" && reason && !closeRow.value) closeRow.value = reason;
    }
  }

  function showRefused(stop) {
    var li = door(stop);
    if (!li) return;
    li.classList.remove("queued");
    li.querySelector(".door-state").textContent = T.refused;
    var form = li.querySelector("form.door-actions");
    if (form) form.hidden = false;
  }

  function showProgress() {
    var all = document.querySelectorAll("li.door").length;
    var done = document.querySelectorAll("li.door.delivered").length;
    el.progress.textContent = T.progress.replace("%(d)s", done).replace("%(n)s", all);
  }

  function showQueue() {
    var q = load(QUEUE, []);
    el.queue.querySelector("b").textContent = String(q.length);
    el.queue.className = "guard-queue" + (q.length ? " has-items" : "");
    root.setAttribute("data-queue", String(q.length));
    q.forEach(function (t) {
      if (t.round === cfg.round) showDoor(t.stop, t.status, t.reason, true);
    });
    showProgress();
  }

  function showRejected() {
    var list = load(REJECTED, []);
    el.rejected.hidden = list.length === 0;
    el.rejectedList.textContent = "";
    list.slice(-50).reverse().forEach(function (r) {
      var li = document.createElement("li");
      var where = r.round === cfg.round ? doorLabel(r.stop) : "#" + r.round + " · #" + r.stop;
      li.textContent = where + " · " + (T[r.status] || r.status) + " · " + ((EN ? r.en : r.zh) || T.refused);
      el.rejectedList.appendChild(li);
    });
  }

  // ------------------------------------------------------------------ a tap

  function tap(form, status) {
    var stop = Number(form.querySelector("[name=stop]").value);
    var reasonBox = form.querySelector("[name=reason]");
    var reason = status === "unreached" && reasonBox ? reasonBox.value.trim().slice(0, REASON_MAX) : "";
    if (status === "unreached" && !reason) {
      note(T.reason);
      if (reasonBox) reasonBox.focus();
      return;
    }
    var q = load(QUEUE, []);
    q.push({ client_id: uuid(), round: cfg.round, stop: stop, status: status, reason: reason });
    if (!save(QUEUE, q)) {
      note(T.storage_full);
      return;
    }
    if (reasonBox) reasonBox.value = "";
    note(online ? "" : T.queued);
    showQueue();
    flushSoon();
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.classList) return;
    if (form.classList.contains("door-actions")) {
      ev.preventDefault();
      var button = ev.submitter || document.activeElement;
      tap(form, button && button.name === "status" ? button.value : "delivered");
    } else if (form.classList.contains("round-close")) {
      // Closing turns every door not tapped into "not reached": never while taps of this round wait here.
      var mine = load(QUEUE, []).filter(function (t) { return t.round === cfg.round; });
      if (mine.length || !navigator.onLine) {
        ev.preventDefault();
        note(mine.length ? T.close_waiting : T.close_offline);
        flushSoon();
      }
    }
  });

  // ------------------------------------------------------------------ upload

  var flushing = false;
  var flushTimer = null;

  function flushSoon() {
    clearTimeout(flushTimer);
    flushTimer = setTimeout(flush, 200);
  }

  function refusedAll(batch, body) {
    return batch.map(function (t) {
      return { client_id: t.client_id, stop: t.stop, ok: false, status: "",
               message_zh: (body && body.msg_zh) || "", message_en: (body && body.msg_en) || "" };
    });
  }

  function flush() {
    if (flushing || authLost) return;
    var q = load(QUEUE, []);
    if (!q.length) return;
    // One round per request (the API is per round), the oldest tap's first.
    var roundId = q[0].round;
    var batch = q.filter(function (t) { return t.round === roundId; }).slice(0, BATCH);
    flushing = true;
    fetch(cfg.api.replace("{round}", String(roundId)), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept": "application/json" },
      body: JSON.stringify({ taps: batch.map(function (t) {
        return { client_id: t.client_id, stop: t.stop, status: t.status, reason: t.reason };
      }) }),
    }).then(function (r) {
      setOnline(true);
      if (r.status === 401 || r.status === 403) { authLost = true; note(T.login); return null; }
      if (r.status === 200) return r.json().then(function (body) { settle(roundId, batch, body.results || []); });
      // The round is gone from this volunteer, or the taps cannot be read: they would never be taken.
      if (r.status === 404 || r.status === 422) {
        return r.json().catch(function () { return null; }).then(function (body) {
          settle(roundId, batch, refusedAll(batch, body));
        });
      }
      return null;  // the server is in trouble: try again later
    }, function () {
      setOnline(false);
      note(T.queued);
    }).then(function () {
      flushing = false;
      showQueue();
      if (online && load(QUEUE, []).length > 0 && !authLost) flushSoon();
    });
  }

  function settle(roundId, batch, results) {
    var sent = {};
    batch.forEach(function (t) { sent[t.client_id] = t; });
    var done = {};
    var rejected = load(REJECTED, []);
    var changed = false;
    results.forEach(function (res) {
      var t = res && sent[res.client_id];
      if (!t) return;
      done[t.client_id] = true;
      if (res.ok) {
        changed = true;
        if (roundId === cfg.round) showDoor(t.stop, res.status || t.status, t.reason, false);
      } else {
        if (roundId === cfg.round) showRefused(t.stop);
        rejected.push({ round: roundId, stop: t.stop, status: t.status, zh: res.message_zh || "",
                        en: res.message_en || "" });
      }
    });
    // Re-read: taps made while the request was out are still in the queue.
    var left = load(QUEUE, []).filter(function (t) { return !done[t.client_id]; });
    save(QUEUE, left);
    save(REJECTED, rejected.slice(-100));
    showRejected();
    if (!left.length) note("");
    // The page kept for the next visit offline should show these doors as the server has them now.
    if (changed && roundId === cfg.round) window.shaodianOffline.refresh();
  }

  el.rejectedClear.addEventListener("click", function () {
    save(REJECTED, []);
    showRejected();
  });

  window.addEventListener("online", function () { setOnline(true); authLost = false; flushSoon(); });
  window.addEventListener("offline", function () { setOnline(false); });
  setOnline(navigator.onLine);
  showQueue();
  showRejected();
  window.shaodianOffline.start(cfg.sw, cfg.scope);
  flushSoon();
  setInterval(flush, FLUSH_EVERY_MS);
  root.setAttribute("data-ready", "1");
})();
