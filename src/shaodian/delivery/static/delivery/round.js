// A volunteer's delivery round (#round): a tap at a door is queued on the phone with its client id, shown at once,
// and sent to POST /api/v1/delivery/rounds/<id>/taps when the network is there; the service worker keeps the page.
// The queue holds round and door numbers, the outcome and the reason typed: no name, no address, no phone number.
// Without this script the page still posts each tap as a form.
(function () {
  "use strict";

  var QUEUE = "sd.round.queue";
  var REJECTED = "sd.round.rejected";
  var BATCH = 100;
  var REASON_MAX = 200;
  var off = window.shaodianOffline;
  var page = off.queuePage("round", "r-", { queue: QUEUE, rejected: REJECTED });
  if (!page) return;
  var $ = function (id) { return document.getElementById(id); };
  var cfg = page.cfg;
  var T = page.T;
  var progress = $("progress");
  var note = page.note;

  // ------------------------------------------------------------------ what the page shows

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
    progress.textContent = T.progress.replace("%(d)s", done).replace("%(n)s", all);
  }

  function showQueue() {
    var q = off.list(QUEUE);
    page.showCount(q.length);
    q.forEach(function (t) {
      if (t.round === cfg.round) showDoor(t.stop, t.status, t.reason, true);
    });
    showProgress();
  }

  function rejectedLine(r) {
    var where = r.round === cfg.round ? doorLabel(r.stop) : "#" + r.round + " · #" + r.stop;
    return where + " · " + (T[r.status] || r.status) + " · " + ((off.en ? r.en : r.zh) || T.refused);
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
    var q = off.list(QUEUE);
    q.push({ client_id: off.uuid(), round: cfg.round, stop: stop, status: status, reason: reason });
    if (!off.save(QUEUE, q)) {
      note(T.storage_full);
      return;
    }
    if (reasonBox) reasonBox.value = "";
    note(page.online ? "" : T.queued);
    showQueue();
    page.soon();
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
      var mine = off.list(QUEUE).filter(function (t) { return t.round === cfg.round; });
      if (mine.length || !navigator.onLine) {
        ev.preventDefault();
        note(mine.length ? T.close_waiting : T.close_offline);
        page.soon();
      }
    }
  });

  // ------------------------------------------------------------------ upload

  function refusedAll(batch, body) {
    return batch.map(function (t) {
      return { client_id: t.client_id, stop: t.stop, ok: false, status: "",
               message_zh: (body && body.msg_zh) || "", message_en: (body && body.msg_en) || "" };
    });
  }

  function send() {
    var q = off.list(QUEUE);
    if (!q.length) return null;
    // One round per request (the API is per round), the oldest tap's first.
    var roundId = q[0].round;
    var batch = q.filter(function (t) { return t.round === roundId; }).slice(0, BATCH);
    var taps = batch.map(function (t) {
      return { client_id: t.client_id, stop: t.stop, status: t.status, reason: t.reason };
    });
    return page.post(cfg.api.replace("{round}", String(roundId)), { taps: taps }, function (r) {
      if (r.status === 200) return r.json().then(function (body) { settle(roundId, batch, body.results || []); });
      // The round is gone from this volunteer, or the taps cannot be read: they would never be taken.
      if (r.status === 404 || r.status === 422) {
        return r.json().catch(function () { return null; }).then(function (body) {
          settle(roundId, batch, refusedAll(batch, body));
        });
      }
      return null;  // the server is in trouble: try again later
    });
  }

  function settle(roundId, batch, results) {
    var sent = {};
    batch.forEach(function (t) { sent[t.client_id] = t; });
    var done = {};
    var rejected = off.list(REJECTED);
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
    // Taps made while the request was out stay in the queue.
    var left = off.drop(QUEUE, done);
    off.save(REJECTED, rejected.slice(-100));
    page.showRejected();
    if (!left.length) note("");
    // The page kept for the next visit offline should show these doors as the server has them now.
    if (changed && roundId === cfg.round) off.refresh();
  }

  page.run({ send: send, showQueue: showQueue, rejectedLine: rejectedLine });
})();
