// What the pages that work without network share (window.shaodianOffline): register the page's service worker
// (web/sw.js, served at the page's own address) and ask it to keep the page and its files; keep lists on the
// phone (localStorage); say whether the network is there; send a queue when it is. Each page loads this file
// before its own script. The worker alone knows its cache.
(function () {
  "use strict";

  function files() {
    var urls = [location.pathname];
    document.querySelectorAll("script[src], link[rel=stylesheet][href], link[rel=icon][href]").forEach(function (n) {
      var u = new URL(n.getAttribute("src") || n.getAttribute("href"), location.href);
      if (u.origin === location.origin) urls.push(u.pathname + u.search);
    });
    return urls;
  }

  function ask(urls) {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (reg) {
      if (reg.active) reg.active.postMessage({ keep: urls });
    }).catch(function () {});
  }

  // ------------------------------------------------------------------ the phone's storage

  function load(key, fallback) {
    try {
      var v = JSON.parse(localStorage.getItem(key));
      return v === null || v === undefined ? fallback : v;
    } catch (e) {
      return fallback;
    }
  }

  // A queue or another list: an empty one when nothing (or something else) is kept under the key.
  function list(key) {
    var v = load(key, null);
    return Array.isArray(v) ? v : [];
  }

  function save(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch (e) {
      return false; // storage full or disabled
    }
  }

  // The queue without the items the server answered for (done: {client_id: true}). Re-read, not the batch
  // sent: what was queued while the request was out stays. Returns what is left.
  function drop(key, done) {
    var left = list(key).filter(function (item) { return !done[item.client_id]; });
    save(key, left);
    return left;
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  // ------------------------------------------------------------------ talking to the server

  var EN = (document.documentElement.lang || "").indexOf("en") === 0;

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, body, signal) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", signal: signal,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept": "application/json" },
      body: JSON.stringify(body),
    });
  }

  // The server answers some reasons as "中文 / English": the half in the page's language.
  function bilingual(reason) {
    var parts = String(reason || "").split(" / ");
    return parts.length === 2 ? parts[EN ? 1 : 0] : String(reason || "");
  }

  // ------------------------------------------------------------------ what the page shows

  // The network line (online/offline), mirrored on the page's root as data-online.
  function showNet(net, root, T, online) {
    net.textContent = online ? T.online : T.offline;
    net.className = "guard-net " + (online ? "is-online" : "is-offline");
    root.setAttribute("data-online", online ? "1" : "0");
  }

  // How many items wait to be sent, mirrored on the page's root as data-queue.
  function showCount(box, root, n) {
    box.querySelector("b").textContent = String(n);
    box.className = "guard-queue" + (n ? " has-items" : "");
    root.setAttribute("data-queue", String(n));
  }

  function note(box, text) {
    box.textContent = text || "";
    box.hidden = !text;
  }

  // ------------------------------------------------------------------ sending the queue

  // One upload at a time, again soon while more waits, and every few seconds anyway.
  // o.send(): the promise of one upload, or null when there is nothing to send now;
  // o.after(): once it is over; o.again(): whether to go on at once; o.delay, o.every: milliseconds.
  function sender(o) {
    var flushing = false;
    var timer = null;

    function soon() {
      clearTimeout(timer);
      timer = setTimeout(flush, o.delay);
    }

    function flush() {
      if (flushing) return Promise.resolve();
      var upload = o.send();
      if (!upload) return Promise.resolve();
      flushing = true;
      return upload.then(function () {
        flushing = false;
        o.after();
        if (o.again()) soon();
      }, function () {
        flushing = false;
      });
    }

    setInterval(flush, o.every);
    return { flush: flush, soon: soon };
  }

  // ------------------------------------------------------------------ a page of queued taps

  // The field page and a delivery round: #NAME, its settings in #NAME-config, and the lines both have
  // (PREFIX + net, queue, note, rejected, rejected-list, rejected-clear). keys: {queue, rejected} in storage.
  // null on any other page.
  function queuePage(name, prefix, keys) {
    var root = document.getElementById(name);
    var configEl = document.getElementById(name + "-config");
    if (!root || !configEl) return null;
    var cfg = JSON.parse(configEl.textContent);
    var $ = function (id) { return document.getElementById(prefix + id); };
    var p = {
      root: root, cfg: cfg, T: cfg.text, online: navigator.onLine, authLost: false,
      el: { net: $("net"), queue: $("queue"), note: $("note"), rejected: $("rejected"),
            rejectedList: $("rejected-list"), rejectedClear: $("rejected-clear") },
    };
    var upload = null;
    var rejectedLine = null;

    p.setOnline = function (value) {
      p.online = value;
      showNet(p.el.net, root, p.T, value);
    };
    p.note = function (text) { note(p.el.note, text); };
    p.showCount = function (n) { showCount(p.el.queue, root, n); };
    p.soon = function () { upload.soon(); };

    // What the server refused, newest first, until the user clears the list.
    p.showRejected = function () {
      var items = list(keys.rejected);
      p.el.rejected.hidden = items.length === 0;
      p.el.rejectedList.textContent = "";
      items.slice(-50).reverse().forEach(function (r) {
        var li = document.createElement("li");
        li.textContent = rejectedLine(r);
        p.el.rejectedList.appendChild(li);
      });
    };

    // One request: answered(r) reads what the server said, unless the login is gone; without network the
    // items stay queued.
    p.post = function (url, body, answered) {
      return post(url, body).then(function (r) {
        p.setOnline(true);
        if (r.status === 401 || r.status === 403) {
          p.authLost = true;
          p.note(p.T.login);
          return null;
        }
        return answered(r);
      }, function () {
        p.setOnline(false);
        p.note(p.T.queued);
      });
    };

    // Start: o.send() as for sender() (not called while the login is gone), o.showQueue(), and
    // o.rejectedLine(item), the text of an item the server refused.
    p.run = function (o) {
      rejectedLine = o.rejectedLine;
      upload = sender({
        send: function () { return p.authLost ? null : o.send(); },
        after: o.showQueue, delay: 200, every: 15 * 1000,
        again: function () { return p.online && list(keys.queue).length > 0 && !p.authLost; },
      });
      p.el.rejectedClear.addEventListener("click", function () {
        save(keys.rejected, []);
        p.showRejected();
      });
      window.addEventListener("online", function () { p.setOnline(true); p.authLost = false; p.soon(); });
      window.addEventListener("offline", function () { p.setOnline(false); });
      p.setOnline(navigator.onLine);
      o.showQueue();
      p.showRejected();
      window.shaodianOffline.start(cfg.sw, cfg.scope);
      p.soon();
      root.setAttribute("data-ready", "1");
    };
    return p;
  }

  window.shaodianOffline = {
    // False where a service worker cannot run (plain HTTP to another machine): the page says so.
    start: function (sw, scope) {
      if (!window.isSecureContext || !("serviceWorker" in navigator)) return false;
      var first = !navigator.serviceWorker.controller;
      navigator.serviceWorker.register(sw, { scope: scope }).catch(function () {});
      // The first visit is not yet controlled by the worker: it fetches the page and its files now.
      if (first && navigator.onLine) ask(files());
      return true;
    },
    // The page changed on the server (a queue was sent): keep the fresh copy for the next visit offline.
    refresh: function () { ask([location.pathname]); },
    en: EN,
    load: load, list: list, save: save, drop: drop, uuid: uuid,
    csrf: csrf, post: post, bilingual: bilingual,
    showNet: showNet, showCount: showCount, note: note,
    sender: sender, queuePage: queuePage,
  };
})();
