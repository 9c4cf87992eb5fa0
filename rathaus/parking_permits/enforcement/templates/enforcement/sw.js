/* The enforcement app's service worker (docs/parking-permits.md, "Enforcement app").

   - The app shell (the page and its static files, hashed addresses) is precached on install;
     static files are answered from the cache, the page network-first (a changed page or an
     ended login shows at once online; offline the cached page answers).
   - The public keys and the revocation list: network-first, stored on every good answer,
     the stored copy when the network fails. The page keeps its own copy with the time, too.
   - Everything else goes to the network untouched. */
"use strict";

var CONFIG = {{ config|safe }};
var VERSION = "__VERSION__";
var SHELL_CACHE = "kontrolle-shell-" + VERSION;
var DATA_CACHE = "kontrolle-data";  // survives updates: the list must not vanish offline
var PAGE_TIMEOUT_MS = 4000;

function pathOf(url) {
  return new URL(url, self.location.href).pathname;
}

var SHELL = CONFIG.shell.map(pathOf);
var DATA = CONFIG.data.map(pathOf);
var APP = pathOf(CONFIG.app);

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then(function (cache) {
        // Not cache.addAll: a login page after a redirect must never stand in for the app.
        return Promise.all(CONFIG.shell.map(function (url) {
          return fetch(url, { credentials: "same-origin", cache: "reload" }).then(function (response) {
            if (!usable(response)) throw new Error("not cached: " + url);
            return cache.put(pathOf(url), response);
          });
        }));
      })
      .then(function () {
        // Best effort: the data now, so that a first visit already works offline.
        return caches.open(DATA_CACHE).then(function (cache) {
          return Promise.all(CONFIG.data.map(function (url) {
            return fetch(url, { credentials: "same-origin", cache: "no-store" })
              .then(function (response) { if (usable(response)) return cache.put(url, response); })
              .catch(function () { /* offline or logged out: the page stores it later */ });
          }));
        });
      })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf("kontrolle-shell-") === 0 && name !== SHELL_CACHE;
        }).map(function (name) { return caches.delete(name); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

function usable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

function json(response) {
  return usable(response) &&
    (response.headers.get("Content-Type") || "").indexOf("json") !== -1;
}

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, ms);
    promise.then(
      function (value) { clearTimeout(timer); resolve(value); },
      function (error) { clearTimeout(timer); reject(error); }
    );
  });
}

function page(request) {
  var network = fetch(request);
  return withTimeout(network, PAGE_TIMEOUT_MS)
    .then(function (response) {
      if (usable(response) && pathOf(response.url) === APP) {
        var copy = response.clone();
        caches.open(SHELL_CACHE).then(function (cache) { return cache.put(APP, copy); });
      }
      return response;  // a redirect to the login passes through: online, the login counts
    })
    .catch(function () {
      return caches.match(APP, { ignoreSearch: true, ignoreVary: true }).then(function (hit) {
        return hit || network;  // nothing cached: wait for the network after all
      });
    });
}

function data(request, path) {
  return fetch(request)
    .then(function (response) {
      if (json(response)) {
        var copy = response.clone();
        caches.open(DATA_CACHE).then(function (cache) { return cache.put(path, copy); });
      }
      return response;  // the page tells a login page from a list
    })
    .catch(function (error) {
      return caches.match(path, { cacheName: DATA_CACHE, ignoreVary: true }).then(function (hit) {
        if (hit) return hit;
        throw error;
      });
    });
}

function shell(request, path) {
  return caches.match(path, { cacheName: SHELL_CACHE, ignoreVary: true }).then(function (hit) {
    return hit || fetch(request);
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (url.pathname === APP) event.respondWith(page(request));
    return;
  }
  if (DATA.indexOf(url.pathname) !== -1) {
    event.respondWith(data(request, url.pathname));
  } else if (SHELL.indexOf(url.pathname) !== -1 && url.pathname !== APP) {
    event.respondWith(shell(request, url.pathname));
  }
});
