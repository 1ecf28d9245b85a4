// The one service worker of the pages that keep working without network: the guard page, the grid worker's
// field page and a volunteer's delivery round. The same script is served at each page's own address, and that
// address says which page it keeps, in which cache, over which scope. Phones registered a worker at these
// addresses before: the update replaces it at once (skipWaiting, clients.claim) and keeps its cache.
// Only the page and our static files are kept. Nothing else is touched: the API, forms and other pages
// always go to the network.
"use strict";

var KEPT = {
  "/checkpoints/sw.js": { cache: "sd-guard-v1", page: /^\/checkpoints\/\d+\/guard\/$/ },
  "/screening/sw.js": { cache: "sd-field-v1", page: /^\/screening\/field\/$/ },
  "/delivery/sw.js": { cache: "sd-round-v1", page: /^\/delivery\/rounds\/\d+\/$/ },
};
var SITE = KEPT[self.location.pathname] || null;
var CACHE = SITE ? SITE.cache : "";
var FAMILY = CACHE.replace(/v\d+$/, "");
var PAGE_TIMEOUT_MS = 3000;
var STATIC_TIMEOUT_MS = 2000;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      // Older versions of this page's cache only: the other pages' caches belong to their own workers.
      return Promise.all(names.filter(function (n) { return SITE && n.indexOf(FAMILY) === 0 && n !== CACHE; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function cacheable(response) {
  // A redirect (to the login page, when the session has expired) must never replace the page.
  return response && response.ok && !response.redirected && response.type === "basic";
}

function pageKey(url) {
  // One copy of the page whatever its query string.
  return url.origin + url.pathname;
}

function fromCache(key) {
  return caches.open(CACHE).then(function (cache) { return cache.match(key, { ignoreVary: true }); });
}

function store(key, response) {
  if (!cacheable(response)) return Promise.resolve();
  var copy = response.clone();
  return caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
}

// Network first, so the page and its files always match after an upgrade; the cached copy when the
// network fails, or is silent for a few seconds (a patchy line must not keep anyone waiting at a door).
function networkFirst(request, key, timeoutMs) {
  var network = fetch(request).then(function (response) {
    store(key, response);
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
  if (!SITE) return;
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && SITE.page.test(url.pathname)) {
    event.respondWith(networkFirst(request, pageKey(url), PAGE_TIMEOUT_MS));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(networkFirst(request, url.origin + url.pathname + url.search, STATIC_TIMEOUT_MS));
  }
});

// A page asks for itself and its files to be kept ({keep: [paths]}): on its first visit, before this worker
// controlled it, and again after what it changed reached the server (the cached copy then shows it).
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (!SITE || !Array.isArray(data.keep)) return;
  var jobs = data.keep.slice(0, 50).map(function (path) {
    var url = new URL(String(path), self.location.origin);
    if (url.origin !== self.location.origin) return null;
    var isPage = SITE.page.test(url.pathname);
    if (!isPage && url.pathname.indexOf("/static/") !== 0) return null;
    var key = isPage ? pageKey(url) : url.origin + url.pathname + url.search;
    return fetch(url.href, { credentials: "same-origin" }).then(function (r) { return store(key, r); },
                                                                 function () {});
  });
  event.waitUntil(Promise.all(jobs));
});
