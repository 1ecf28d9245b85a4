// Service worker of the grid worker's field page (served at /screening/sw.js, scope /screening/field/).
// The field page and our static files stay usable without network. Nothing else is touched: the API,
// forms and other pages always go to the network.
"use strict";

var CACHE = "sd-field-v1";
var FIELD_PAGE = /^\/screening\/field\/$/;
var PAGE_TIMEOUT_MS = 3000;
var STATIC_TIMEOUT_MS = 2000;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("sd-field-") === 0 && n !== CACHE; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function cacheable(response) {
  // A redirect (to the login page, when the session has expired) must never replace the page.
  return response && response.ok && !response.redirected && response.type === "basic";
}

function fromCache(key) {
  return caches.open(CACHE).then(function (cache) { return cache.match(key, { ignoreVary: true }); });
}

// Network first, so the page and its files always match after an upgrade; the cached copy when the
// network fails, or is silent for a few seconds (a patchy line must not keep the guard waiting).
function networkFirst(request, key, timeoutMs) {
  var network = fetch(request).then(function (response) {
    if (cacheable(response)) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
    }
    return response;
  });
  var timer;
  var slow = new Promise(function (resolve) { timer = setTimeout(resolve, timeoutMs); })
    .then(function () { return fromCache(key); })
    .then(function (hit) { return hit || network; });
  return Promise.race([network.catch(function () { return null; }), slow]).then(function (response) {
    clearTimeout(timer);
    if (response) return response;
    return fromCache(key).then(function (hit) { return hit || network; });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && FIELD_PAGE.test(url.pathname)) {
    // One copy of the page whatever its query string.
    event.respondWith(networkFirst(request, url.origin + url.pathname, PAGE_TIMEOUT_MS));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(networkFirst(request, url.origin + url.pathname + url.search, STATIC_TIMEOUT_MS));
  }
});
