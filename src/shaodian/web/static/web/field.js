// The grid worker's field page (#field): record a door visit in a tap or three, queue it on the phone with
// its client id, send the queue when the network is there, and keep working through drops (service worker).
// The queue holds task numbers and what was typed, nothing else; each item leaves it once the server answered.
(function () {
  "use strict";

  var QUEUE = "sd.field.queue";
  var REJECTED = "sd.field.rejected";
  var BATCH = 100;
  var off = window.shaodianOffline;
  var page = off.queuePage("field", "f-", { queue: QUEUE, rejected: REJECTED });
  if (!page) return;
  var cfg = page.cfg;
  var T = page.T;
  var note = page.note;

  function pad(n, w) { return String(n).padStart(w || 2, "0"); }

  function isoNow() {
    var d = new Date();
    var tz = -d.getTimezoneOffset();
    var sign = tz >= 0 ? "+" : "-";
    tz = Math.abs(tz);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" +
      pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + sign + pad(Math.floor(tz / 60)) + ":" + pad(tz % 60);
  }

  // ------------------------------------------------------------------ status

  function showQueue() {
    var q = off.list(QUEUE);
    page.showCount(q.length);
    // A door already recorded on this phone is not shown again, even on a page served from the cache.
    var waiting = {};
    q.forEach(function (v) { waiting[String(v.task)] = true; });
    document.querySelectorAll(".field-door").forEach(function (li) {
      if (waiting[li.getAttribute("data-task")]) li.hidden = true;
    });
  }

  function rejectedLine(r) {
    return (r.address || "#" + r.task) + " · " + (T[r.outcome] || r.outcome) + " · " + off.bilingual(r.reason);
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
    note(page.online ? "" : T.queued);
    showQueue();
    page.soon();
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
    var batch = off.list(QUEUE).slice(0, BATCH);
    if (!batch.length) return null;
    return page.post(cfg.api, { visits: batch }, function (r) {
      if (r.status !== 200) return null;
      return r.json().then(function (body) { settle(batch, body.results || []); });
    });
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
    page.showRejected();
    if (!left.length) note("");
  }

  page.run({ send: send, showQueue: showQueue, rejectedLine: rejectedLine });
})();
