"""An update of the offline pages' service worker takes over on a phone that has the old one, in headless Chromium.

Before the pages shared one script, the field page's worker was a copy of its own (kept below as phones have it).
A small proxy in front of a real `shaodian serve` hands that old script out at /screening/sw.js; the grid worker
opens the field page and the old worker keeps it. Then the proxy passes the new script through at the same address:
it takes control of the open page at once, keeps the old worker's cache (the page is still there), and with no
network at all the page reloads from it.
"""

import http.server
import threading
import urllib.error
import urllib.request

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from .browser_support import PHONE, chromium, demo_site, login, require_chromium, viewport
from .serving import free_port

pytestmark = pytest.mark.browser

require_chromium()

# /screening/sw.js as phones registered it before the one script (web/field-sw.js until then), byte for byte.
OLD_FIELD_WORKER = r"""// Service worker of the grid worker's field page (served at /screening/sw.js, scope /screening/field/).
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
"""

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization",
              "proxy-authenticate", "content-length", "accept-encoding"}  # plain bodies: nothing to re-encode


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the browser follows redirects itself


class Proxy:
    """Forwards every request to the site, except /screening/sw.js while `old` is set: the old worker then."""

    def __init__(self, upstream: str):
        self.upstream, self.old, self.port = upstream, True, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        opener = urllib.request.build_opener(NoRedirect)
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, headers, body):
                self.send_response(status)
                for k, v in headers:
                    if k.lower() not in HOP_BY_HOP:
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def forward(self):
                if proxy.old and self.path.split("?")[0] == "/screening/sw.js":
                    return self.answer(200, [("Content-Type", "text/javascript; charset=utf-8"),
                                             ("Service-Worker-Allowed", "/screening/field/"),
                                             ("Cache-Control", "no-cache")], OLD_FIELD_WORKER.encode())
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) or None
                req = urllib.request.Request(proxy.upstream + self.path, data=body, method=self.command,
                                             headers={k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP})
                try:
                    with opener.open(req, timeout=20) as r:
                        return self.answer(r.status, r.headers.items(), r.read())
                except urllib.error.HTTPError as e:
                    return self.answer(e.code, e.headers.items(), e.read())

            do_GET = do_POST = forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def site():
    with demo_site("swupdate", residents=200, seed=5) as s:
        s.start()
        yield s


def wait(drv, script, timeout=15, message=""):
    return WebDriverWait(drv, timeout, poll_frequency=0.1).until(lambda d: d.execute_script(script), message)


CACHED = ("var cb = arguments[arguments.length - 1]; caches.keys().then(function (names) {"
          " return caches.open('sd-field-v1').then(function (c) { return c.match(location.origin + location.pathname); })"
          ".then(function (hit) { cb({names: names.sort(), page: !!hit}); }); });")


def test_the_new_worker_takes_over_from_the_old_copy_and_keeps_its_cache(site):
    proxy = Proxy(site.base)
    try:
        with chromium("shaodian-swupdate-") as drv:
            viewport(drv, *PHONE)
            login(drv, proxy.base, "grid_a")
            page = proxy.base + "/screening/field/"
            drv.get(page)
            wait(drv, "return !!navigator.serviceWorker.controller", message="the old worker did not take control")
            drv.get(page)  # the old worker keeps the page as it passes through
            wait(drv, "return !!navigator.serviceWorker.controller")
            assert drv.execute_async_script(CACHED) == {"names": ["sd-field-v1"], "page": True}
            assert "message" not in drv.execute_async_script(
                "var cb = arguments[0]; fetch('/screening/sw.js').then(function (r) { return r.text(); }).then(cb);")

            # The new script at the same address: the browser finds it on its next check and it takes over.
            proxy.old = False
            drv.execute_async_script(
                "var cb = arguments[0]; navigator.serviceWorker.getRegistration('/screening/field/').then(function (reg) {"
                " window.__old = reg.active; return reg.update(); }).then(function () { cb(true); }, function () { cb(false); });")
            wait(drv, "return navigator.serviceWorker.controller && navigator.serviceWorker.controller !== window.__old",
                 message="the new worker did not take control of the open page")
            assert drv.execute_script("return navigator.serviceWorker.controller.scriptURL") == proxy.base + "/screening/sw.js"
            assert drv.execute_async_script(CACHED) == {"names": ["sd-field-v1"], "page": True}

            # No network at all: the page comes from the cache the old worker filled, under the new one.
            proxy.close()
            proxy = None
            drv.get(page)
            wait(drv, "var f = document.getElementById('field'); return f && f.dataset.ready === '1'",
                 message="the field page did not load from the kept copy")
            assert drv.execute_script("return window.__csp") == []
    finally:
        if proxy is not None:
            proxy.close()
