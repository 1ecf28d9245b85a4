// Checkpoint pages. Print buttons everywhere; on the guard page (#guard) verify-and-release:
// read a code (camera, scanner or keyboard), show the verdict, queue the scan, upload the queue, keep
// working offline (service worker, cached public key and revocation list, Ed25519 check in the browser).
(function () {
  "use strict";

  document.addEventListener("click", function (ev) {
    if (ev.target.closest && ev.target.closest("[data-print]")) window.print();
  });

  var root = document.getElementById("guard");
  var configEl = document.getElementById("guard-config");
  if (!root || !configEl) return;

  // Only the guard page loads offline.js (the other checkpoint pages need the print button alone).
  var off = window.shaodianOffline;
  var load = off.load;
  var save = off.save;
  var cfg = JSON.parse(configEl.textContent);
  var T = cfg.text;
  var CP = cfg.checkpoint;
  var EN = off.en;
  var QUEUE = "sd.guard.queue";
  var REJECTED = "sd.guard.rejected";
  var ALERTS = "sd.guard.alerts";
  var FEVER_FROM = 37.3;
  var ID_NUMBER = /^[0-9]{17}[0-9X]$/;
  var KEYS = "sd.guard.keys";
  var DIRECTION = "sd.guard.direction." + CP;
  var BATCH = 500;
  var VERIFY_TIMEOUT_MS = 1500; // then the phone judges by itself, as if offline
  var RESULT_SHOWN_MS = 30 * 1000; // an old green must not be read as the next person's
  var KEYS_EVERY_MS = 10 * 60 * 1000;
  var FLUSH_EVERY_MS = 15 * 1000;
  var KEY_MAX_AGE_MS = 24 * 3600 * 1000;

  var $ = function (id) { return document.getElementById(id); };
  var el = {
    net: $("g-net"), queue: $("g-queue"), keys: $("g-keys"), insecure: $("g-insecure"),
    result: $("g-result"), sign: $("g-sign"), verdict: $("g-verdict"), name: $("g-name"), reason: $("g-reason"),
    detail: $("g-detail"),
    form: $("g-form"), code: $("g-code"), temp: $("g-temp"), cam: $("g-cam"), video: $("g-video"),
    rejected: $("g-rejected"), rejectedList: $("g-rejected-list"), rejectedClear: $("g-rejected-clear"),
    alerts: $("g-alerts"), alertsList: $("g-alerts-list"), alertsClear: $("g-alerts-clear"),
  };

  function pad(n, w) {
    return String(n).padStart(w || 2, "0");
  }

  function isoNow() {
    // Local wall time with its UTC offset: what the server expects, and what a person reads in logs.
    var d = new Date();
    var off = -d.getTimezoneOffset();
    var sign = off >= 0 ? "+" : "-";
    off = Math.abs(off);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" +
      pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + "." + pad(d.getMilliseconds(), 3) + sign +
      pad(Math.floor(off / 60)) + ":" + pad(off % 60);
  }

  // Times are shown in the city's zone (the server's), whatever zone the phone is set to.
  var stamp = null;
  try {
    stamp = new Intl.DateTimeFormat("sv-SE", { timeZone: cfg.tz, year: "numeric", month: "2-digit", day: "2-digit",
                                               hour: "2-digit", minute: "2-digit", hour12: false });
  } catch (e) { /* an unknown zone: the phone's own */ }

  function when(ms) {
    if (stamp) return stamp.format(new Date(ms)).replace(",", "");
    var d = new Date(ms);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" +
      pad(d.getMinutes());
  }

  function hhmm(ms) {
    return when(ms).slice(-5);
  }

  // ------------------------------------------------------------------ status line

  var online = navigator.onLine;
  var authLost = false;
  var lastFailure = 0;
  var RETRY_AFTER_MS = 20 * 1000;

  function setOnline(value) {
    online = value;
    if (value) authLost = false;
    else lastFailure = Date.now();
    off.showNet(el.net, root, T, value);
  }

  function showQueue() {
    off.showCount(el.queue, root, load(QUEUE, []).length);
  }

  function showKeys() {
    var k = load(KEYS, null);
    if (!k) {
      el.keys.textContent = T.keys_none;
      el.keys.className = "guard-keys is-stale";
    } else if (Date.now() - k.fetched > KEY_MAX_AGE_MS) {
      el.keys.textContent = T.keys_old;
      el.keys.className = "guard-keys is-stale";
    } else {
      el.keys.textContent = T.keys_at + " " + hhmm(k.fetched);
      el.keys.className = "guard-keys";
    }
  }

  function showRejected() {
    var list = load(REJECTED, []);
    el.rejected.hidden = list.length === 0;
    el.rejectedList.textContent = "";
    list.slice(-50).reverse().forEach(function (r) {
      var li = document.createElement("li");
      var when = document.createElement("div");
      when.className = "small muted";
      when.textContent = (r.scan.at || "").replace("T", " ").slice(0, 19) + " · " +
        (r.scan.direction === "out" ? T.out : T.in);
      var why = document.createElement("div");
      why.textContent = off.bilingual(r.reason);
      li.appendChild(why);
      li.appendChild(when);
      el.rejectedList.appendChild(li);
    });
  }

  // Scans the server verified after upload and found alarming (a case, a contact, a revoked pass, a fever):
  // red, with the time of the scan and the masked name, until the guard has read them.
  function showAlerts() {
    var list = load(ALERTS, []);
    el.alerts.hidden = list.length === 0;
    root.setAttribute("data-alerts", String(list.length));
    el.alertsList.textContent = "";
    list.slice(-50).reverse().forEach(function (a) {
      var li = document.createElement("li");
      var who = document.createElement("div");
      who.className = "alert-who";
      who.textContent = when(Date.parse(a.at)) + " · " + (a.name || "—");
      var what = document.createElement("div");
      what.textContent = (a.kinds || []).map(function (k) { return T["alert_" + k] || k; }).join("；") +
        (a.temperature ? " · " + Number(a.temperature).toFixed(1) + " ℃" : "");
      li.appendChild(who);
      li.appendChild(what);
      el.alertsList.appendChild(li);
    });
  }

  // ------------------------------------------------------------------ the verdict

  var SIGNS = { allowed: "✓", pass_required: "!", under_monitoring: "!", fever: "!", case_or_contact: "✕", invalid: "✕",
                pending: "", error: "?" };
  var COLOURS = { allowed: "is-allowed", pass_required: "is-amber", under_monitoring: "is-amber", fever: "is-red",
                  case_or_contact: "is-red", invalid: "is-invalid", pending: "is-pending",
                  error: "is-invalid" };

  // v: {result, headline, name, reason, lines: [text | {text, alert}]}
  var idleTimer = null;

  function idle() {
    el.result.className = "guard-result is-idle";
    el.result.setAttribute("data-result", "idle");
    el.sign.textContent = "";
    el.verdict.textContent = T.waiting;
    el.name.textContent = el.reason.textContent = el.detail.textContent = "";
  }

  function show(v) {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(idle, RESULT_SHOWN_MS);
    el.result.className = "guard-result " + (COLOURS[v.result] || "is-invalid");
    el.result.setAttribute("data-result", v.result);
    el.sign.textContent = SIGNS[v.result] || "";
    el.verdict.textContent = v.headline;
    el.name.textContent = v.name || "";
    el.reason.textContent = v.reason || "";
    el.detail.textContent = "";
    (v.lines || []).forEach(function (line) {
      if (!line) return;
      var div = document.createElement("div");
      div.textContent = line.text || line;
      if (line.alert) div.className = "guard-alert";
      el.detail.appendChild(div);
    });
    // Keep the verdict in sight: on a phone the form below may have scrolled it away.
    var top = el.result.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.5) el.result.scrollIntoView({ block: "start" });
    feedback(v.result);
  }

  var audio = null;

  function feedback(result) {
    // A tone and a buzz, so a guard looking at the person rather than the screen still knows.
    var good = result === "allowed" || result === "pending";
    try {
      if (navigator.vibrate) navigator.vibrate(good ? 80 : [250, 120, 250]);
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = good ? 880 : 220;
      gain.gain.value = 0.08;
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + (good ? 0.12 : 0.45));
    } catch (e) { /* no sound on this device */ }
  }

  function passLine(kind, plate) {
    return T.pass + " · " + (cfg.kinds[kind] || kind || "") + (plate ? " · " + T.plate + " " + plate : "");
  }

  function fromServer(body) {
    var message = EN ? body.message_en : body.message_zh;
    var lines = [];
    if (body.pass) {
      lines.push(passLine(body.pass.kind, body.pass.plate));
      var until = Date.parse(body.pass.valid_to);
      if (!isNaN(until)) lines.push(T.valid_to + " " + when(until));
      if (body.pass.kind === "supply_vehicle") {
        // 一车一消杀: the vehicle's latest disinfection, recorded by the supplies module.
        var cleaned = Date.parse(body.pass.disinfected_at || "");
        lines.push(isNaN(cleaned) ? T.not_disinfected
          : T.disinfected + " " + when(cleaned) + (body.pass.disinfection ? " · " + body.pass.disinfection : ""));
      }
    }
    if (body.result === "invalid") return { result: "invalid", headline: T.refuse, reason: message, lines: lines };
    return { result: body.result, headline: message, name: body.name || "", lines: lines };
  }

  function invalid(text) {
    return { result: "invalid", headline: T.refuse, reason: text, lines: [] };
  }

  function problem(text) {
    // Not a verdict on the person: the page, the network or the input needs attention.
    return { result: "error", headline: text, lines: [] };
  }

  // ------------------------------------------------------------------ tokens (SD1.<payload>.<signature>)

  function b64urlBytes(text) {
    var s = text.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function parseToken(code) {
    var parts = code.split(".");
    if (parts.length !== 3 || parts[0] !== "SD1") return null;
    try {
      var payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(b64urlBytes(parts[1])));
      var signature = b64urlBytes(parts[2]);
      if (!payload || typeof payload !== "object") return null;
      return { payload: payload, signature: signature, signed: parts[0] + "." + parts[1] };
    } catch (e) {
      return null;
    }
  }

  var keyPromise = null;
  var keyFor = null;

  function publicKey() {
    var k = load(KEYS, null);
    if (!k) return Promise.reject(new Error("no_key"));
    if (!(window.crypto && crypto.subtle)) return Promise.reject(new Error("no_crypto"));
    if (!keyPromise || keyFor !== k.public_key) {
      keyFor = k.public_key;
      keyPromise = crypto.subtle.importKey("raw", b64urlBytes(k.public_key), { name: "Ed25519" }, false, ["verify"]);
      keyPromise.catch(function () { keyPromise = null; });
    }
    return keyPromise;
  }

  function genuine(token) {
    return publicKey().then(function (key) {
      return crypto.subtle.verify({ name: "Ed25519" }, key, token.signature, new TextEncoder().encode(token.signed));
    }).catch(function (e) {
      throw new Error(e && e.message === "no_key" ? "no_key" : "no_crypto");
    });
  }

  function checkPassOffline(p) {
    var now = Date.now() / 1000;
    var revoked = (load(KEYS, {}).revoked || []).map(String);
    if (revoked.indexOf(String(p.s)) >= 0) return invalid(T.revoked);
    if (!(now >= p.f && now <= p.u)) return invalid(T.expired);
    if (!Array.isArray(p.c) || p.c.indexOf(CP) < 0) return invalid(T.wrong_checkpoint);
    return {
      result: "allowed", headline: T.allowed, name: p.h || "",
      lines: [
        passLine(p.t, p.p),
        T.valid_to + " " + when(p.u * 1000),
        T.offline_pass,
      ],
    };
  }

  // Offline: a pass is fully checked here; a personal code is checked for forgery, then recorded.
  function verifyOffline(code, token) {
    if (!token) {
      return Promise.resolve({ result: "pending", headline: T.pending, lines: [] });
    }
    return genuine(token).then(function (ok) {
      if (!ok) return invalid(T.forged);
      if (token.payload.k === "pass") return checkPassOffline(token.payload);
      if (token.payload.k === "p") return { result: "pending", headline: T.pending, lines: [] };
      return invalid(T.malformed);
    }, function (e) {
      if (token.payload.k === "pass") return invalid(T[e.message] || T.no_crypto);
      // A personal code cannot be judged offline anyway: record it; the server checks it on upload.
      return { result: "pending", headline: T.pending, lines: [] };
    });
  }

  function verifyOnline(code, temperature) {
    var ctl = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (ctl) ctl.abort(); }, VERIFY_TIMEOUT_MS);
    return off.post(cfg.verify, temperature === null ? { code: code } : { code: code, temperature: temperature },
                    ctl ? ctl.signal : undefined).then(function (r) {
      clearTimeout(timer);
      setOnline(true);
      if (r.status === 200) return r.json().then(function (body) { return { body: body }; });
      if (r.status === 401 || r.status === 403) { loginLost(); return { error: T.login }; }
      if (r.status === 404) return { error: T.not_here };
      if (r.status === 422) return { body: { result: "invalid", message_zh: T.malformed, message_en: T.malformed } };
      return null; // a server error: judge it locally, as if offline
    }, function () {
      clearTimeout(timer);
      setOnline(false);
      return null;
    });
  }

  function loginLost() {
    authLost = true;
    el.net.textContent = T.login;
    el.net.className = "guard-net is-offline";
  }

  // ------------------------------------------------------------------ one scan

  function normalise(raw) {
    var code = String(raw || "").trim();
    if (code.indexOf("SD1.") === 0) return code;
    // An ID card number, for someone without a phone: checked by the server (online only).
    var digits = code.replace(/\s+/g, "").toUpperCase();
    if (ID_NUMBER.test(digits)) return digits;
    // The short code printed under a personal QR, typed in groups of four.
    return code.replace(/[\s-]+/g, "").toLowerCase();
  }

  function direction() {
    var checked = el.form.querySelector("input[name=direction]:checked");
    return checked ? checked.value : "in";
  }

  function readTemperature() {
    var raw = (el.temp.value || "").replace(",", ".").trim();
    if (!raw) return { ok: true, value: null };
    var t = Number(raw);
    if (!isFinite(t) || t < 30 || t > 45) return { ok: false };
    return { ok: true, value: Math.round(t * 10) / 10 };
  }

  var busy = false;

  function scan(raw) {
    var code = normalise(raw);
    if (!code || busy) return Promise.resolve();
    var temp = readTemperature();
    if (!temp.ok) {
      show(problem(T.temp_bad));
      el.temp.focus();
      return Promise.resolve();
    }
    var token = code.indexOf("SD1.") === 0 ? parseToken(code) : null;
    if (code.indexOf("SD1.") === 0 && !token) {
      show(invalid(T.malformed));
      return Promise.resolve();
    }
    var idNumber = ID_NUMBER.test(code);
    if (!token && !idNumber && !/^[0-9a-f]{8,32}$/.test(code)) {
      show(invalid(T.malformed));
      return Promise.resolve();
    }
    busy = true;
    var started = Date.now();
    var at = isoNow();
    var dir = direction();
    // After a failed request, judge locally for a while rather than make each person wait for a timeout;
    // the periodic upload notices when the server answers again.
    var tryServer = navigator.onLine && (online || Date.now() - lastFailure > RETRY_AFTER_MS);
    var step = tryServer ? verifyOnline(code, temp.value) : Promise.resolve(null);
    return step.then(function (answer) {
      if (answer && answer.error) return { verdict: problem(answer.error), record: false };
      if (answer && answer.body) {
        return { verdict: fromServer(answer.body), record: answer.body.result !== "invalid", body: answer.body };
      }
      // An ID card number is looked up by the server; it is never kept on the phone.
      if (idNumber) return { verdict: problem(T.id_online), record: false };
      return verifyOffline(code, token).then(function (v) { return { verdict: v, record: v.result !== "invalid" }; });
    }).then(function (outcome) {
      var v = outcome.verdict;
      if (outcome.record && temp.value !== null && temp.value >= FEVER_FROM && v.result !== "case_or_contact" &&
          v.result !== "fever") {
        // Never green at or above 37.3 ℃, online or off.
        v = { result: "fever", headline: T.fever, name: v.name,
              lines: (v.result === "pending" ? [T.pending] : []).concat(v.lines || []) };
      }
      if (outcome.record && !enqueue(code, token, outcome.body, at, dir, temp.value)) {
        v.lines = (v.lines || []).concat([{ text: T.storage_full, alert: true }]);
      } else if (outcome.record) {
        var how = (dir === "out" ? T.out : T.in) + (temp.value !== null ? " · " + temp.value.toFixed(1) + " ℃" : "");
        v.lines = (v.lines || []).concat([v.result === "pending" ? how : T.recorded + " · " + how]);
        if (temp.value !== null && temp.value >= FEVER_FROM) v.lines.push({ text: T.temp_high, alert: true });
      }
      show(v);
      el.result.setAttribute("data-ms", String(Date.now() - started)); // how long the guard waited
      el.code.value = "";
      el.temp.value = "";
    }).catch(function () {
      show(problem(T.server_error));
    }).then(function () {
      busy = false;
      flushSoon();
    });
  }

  function enqueue(code, token, body, at, dir, temperature) {
    var item = { client_id: off.uuid(), checkpoint: CP, at: at, direction: dir };
    if (token && token.payload.k === "pass") {
      item.pass = code; // the server records the scan for the pass's holder
    } else if (ID_NUMBER.test(code)) {
      if (!body || !body.person) return false;
      item.person = body.person; // the person's code, sent back by the server for an ID card number
    } else {
      item.person = code; // a personal QR, or the code printed under it: it counts wherever its holder lives
    }
    if (temperature !== null) item.temperature = temperature;
    var queue = load(QUEUE, []);
    queue.push(item);
    var kept = save(QUEUE, queue);
    showQueue();
    return kept;
  }

  // ------------------------------------------------------------------ upload

  function withLock(fn) {
    // One upload at a time, across tabs too, so nothing is sent twice concurrently (the server would
    // still answer "duplicate", but there is no point).
    if (navigator.locks && navigator.locks.request) return navigator.locks.request("sd-guard-flush", fn);
    return fn();
  }

  function send() {
    if (!load(QUEUE, []).length) return null;
    return withLock(function () {
      var batch = load(QUEUE, []).slice(0, BATCH);
      if (!batch.length) return null;
      return off.post(cfg.batch, { scans: batch }).then(function (r) {
        setOnline(true);
        if (r.status === 401 || r.status === 403) { loginLost(); return null; }
        if (r.status !== 200) return null;
        return r.json().then(function (body) { settle(batch, body.results || []); });
      }, function () {
        setOnline(false);
      });
    });
  }

  var sender = off.sender({
    send: send, after: showQueue, delay: 300, every: FLUSH_EVERY_MS,
    // More than one batch waiting: carry on.
    again: function () { return online && load(QUEUE, []).length > 0 && !authLost; },
  });
  var flush = sender.flush;

  function flushSoon() {
    sender.soon();
  }

  function settle(batch, results) {
    var sent = {};
    batch.forEach(function (s) { sent[s.client_id] = s; });
    var done = {};
    var rejected = load(REJECTED, []);
    var alerts = load(ALERTS, []);
    var alarmed = false;
    results.forEach(function (res) {
      if (!res || !res.client_id || !sent[res.client_id]) return;
      if (res.alert) {
        alerts.push(res.alert);
        alarmed = true;
      }
      if (res.status === "accepted" || res.status === "duplicate") {
        done[res.client_id] = true;
      } else if (res.status === "rejected") {
        // Kept, with the reason, for the guard to see; resending would only be refused again.
        done[res.client_id] = true;
        rejected.push({ scan: sent[res.client_id], reason: res.reason, code: res.code });
      }
    });
    // Scans made while the request was out stay in the queue.
    off.drop(QUEUE, done);
    save(REJECTED, rejected.slice(-500));
    save(ALERTS, alerts.slice(-200));
    showRejected();
    showAlerts();
    if (alarmed) {
      feedback("alert");
      el.alerts.scrollIntoView({ block: "start" });
    }
  }

  // ------------------------------------------------------------------ keys for offline checks

  function refreshKeys() {
    return fetch(cfg.keys, { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(function (r) {
      setOnline(true);
      if (r.status === 401 || r.status === 403) { loginLost(); return; }
      if (r.status !== 200) return;
      return r.json().then(function (body) {
        if (body.algorithm !== "Ed25519" || !body.public_key) return;
        save(KEYS, { public_key: body.public_key, revoked: body.revoked || [], generated_at: body.generated_at, fetched: Date.now() });
        showKeys();
      });
    }, function () {
      setOnline(false);
    });
  }

  // ------------------------------------------------------------------ offline shell

  function prepareOffline() {
    if (!off.start(cfg.sw, cfg.scope)) {
      el.insecure.textContent = T.insecure;
      el.insecure.hidden = false;
    }
  }

  // ------------------------------------------------------------------ camera

  var stream = null;
  var lastCode = "";
  var lastAt = 0;

  function setupCamera() {
    if (!("BarcodeDetector" in window) || !(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) return;
    BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") < 0) return;
      var detector = new BarcodeDetector({ formats: ["qr_code"] });
      el.cam.hidden = false;
      var labelOn = el.cam.textContent;
      el.cam.addEventListener("click", function () {
        if (stream) {
          stopCamera();
          el.cam.textContent = labelOn;
          return;
        }
        navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
          .then(function (s) {
            stream = s;
            el.video.srcObject = s;
            el.video.hidden = false;
            el.cam.textContent = "■ " + labelOn;
            return el.video.play().then(function () { loop(detector); });
          })
          .catch(function () { show(problem(T.camera_error)); });
      });
    }).catch(function () {});
  }

  function loop(detector) {
    if (!stream) return;
    detector.detect(el.video).then(function (codes) {
      var value = codes && codes.length ? codes[0].rawValue : "";
      var now = Date.now();
      // The same code stays in view for a while: read it once.
      if (value && !busy && (value !== lastCode || now - lastAt > 3000)) {
        lastCode = value;
        lastAt = now;
        scan(value);
      }
    }).catch(function () {}).then(function () { setTimeout(function () { loop(detector); }, 150); });
  }

  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    el.video.hidden = true;
  }

  // ------------------------------------------------------------------ wiring

  el.form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    // Ready for the next code from a handheld scanner (it types and presses Enter), without scrolling.
    scan(el.code.value).then(function () { el.code.focus({ preventScroll: true }); });
  });

  el.form.querySelectorAll("input[name=direction]").forEach(function (input) {
    if (input.value === load(DIRECTION, "in")) input.checked = true;
    input.addEventListener("change", function () { save(DIRECTION, direction()); });
  });

  el.alertsClear.addEventListener("click", function () {
    save(ALERTS, []);
    showAlerts();
  });

  el.rejectedClear.addEventListener("click", function () {
    save(REJECTED, []);
    showRejected();
  });

  window.addEventListener("online", function () {
    setOnline(true);
    refreshKeys();
    flush();
  });
  window.addEventListener("offline", function () { setOnline(false); });
  window.addEventListener("storage", function (ev) {
    if (ev.key === QUEUE) showQueue();
    if (ev.key === REJECTED) showRejected();
    if (ev.key === ALERTS) showAlerts();
    if (ev.key === KEYS) showKeys();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") flush();
    else stopCamera();
  });
  setInterval(refreshKeys, KEYS_EVERY_MS);

  setOnline(navigator.onLine);
  showQueue();
  showKeys();
  showRejected();
  showAlerts();
  el.result.setAttribute("data-result", "idle");
  root.setAttribute("data-ready", "1");
  prepareOffline();
  setupCamera();
  if (navigator.onLine) {
    refreshKeys();
    flush();
  }
  // Expose for tests and for a supervisor's console: upload now.
  window.shaodianGuard = { flush: flush, refreshKeys: refreshKeys };
})();
