// What the pages that work without network share: register the page's service worker (web/sw.js, served at
// the page's own address) and ask it to keep the page and its files. The worker alone knows its cache.
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
  };
})();
