/* The enforcement app on the officer's phone (docs/parking-permits.md, "Enforcement app").

   - Registers the service worker (offline app shell) and keeps the public keys and the
     revocation list in localStorage with the time they were fetched; refreshes them on load,
     every few minutes and when the phone comes back online, and shows how old the list is.
   - Checks a code from the text field (typed, pasted, or typed by a hand scanner) or from the
     camera (BarcodeDetector, else the vendored jsQR) in the browser: see verify.js.
   - Shows only the verdict, the reason, the plate, the zone and the last valid day.
   Without JavaScript none of this runs: the form sends the code to the public check page. */
(function () {
  "use strict";

  var root = document.querySelector("[data-kontrolle]");
  var configNode = document.getElementById("kontrolle-config");
  if (!root || !configNode || !window.KontrolleVerify) return;
  var config = JSON.parse(configNode.textContent);
  var texts = config.texts;
  var verify = window.KontrolleVerify;
  var STORE_KEYS = "rathaus.kontrolle.keys";
  var STORE_LIST = "rathaus.kontrolle.list";
  var forceJs = /[?&]verifier=js\b/.test(window.location.search);
  verify.configure({ nobleUrl: config.noble, forceJs: forceJs });

  var form = root.querySelector("[data-check-form]");
  var field = form.querySelector("input[name=c]");
  var resultBox = root.querySelector("[data-result]");
  var statusBox = root.querySelector("[data-status]");
  var onlineText = root.querySelector("[data-online]");
  var ageText = root.querySelector("[data-list-age]");
  var listNote = root.querySelector("[data-list-note]");
  var needsOnline = root.querySelectorAll("[data-needs-online]");
  var language = config.language || document.documentElement.lang || "de";

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, name) {
      return name in values ? values[name] : all;
    });
  }

  function load(name) {
    try { return JSON.parse(window.localStorage.getItem(name) || "null"); } catch (e) { return null; }
  }

  function save(name, value) {
    try { window.localStorage.setItem(name, JSON.stringify(value)); } catch (e) { /* full or blocked */ }
  }

  var stored = { keys: load(STORE_KEYS), list: load(STORE_LIST) };

  // --- how old the list is -----------------------------------------------------------------

  var timeFormat = new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Berlin" });
  var dayTimeFormat = new Intl.DateTimeFormat(language, {
    day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Berlin",
  });
  var dateFormat = new Intl.DateTimeFormat(language, { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" });
  var relative = new Intl.RelativeTimeFormat(language, { numeric: "auto" });

  function ago(ms) {
    var minutes = Math.max(0, Math.floor(ms / 60000));
    if (minutes < 1) return texts.justNow;
    if (minutes < 60) return relative.format(-minutes, "minute");
    var hours = Math.round(minutes / 60);
    if (hours < 48) return relative.format(-hours, "hour");
    return relative.format(-Math.round(hours / 24), "day");
  }

  function listAgeMs() {
    var list = stored.list && stored.list.data;
    return list ? Date.now() - Date.parse(list.generated_at) : Infinity;
  }

  function showDate(iso) {
    var d = iso.split("-");
    return dateFormat.format(new Date(Date.UTC(+d[0], +d[1] - 1, +d[2])));
  }

  var lastProblem = "";

  function renderStatus() {
    statusBox.hidden = false;
    var online = navigator.onLine !== false;
    onlineText.textContent = online ? texts.online : texts.offline;
    statusBox.classList.toggle("is-offline", !online);
    Array.prototype.forEach.call(needsOnline, function (note) { note.hidden = online; });
    var list = stored.list && stored.list.data;
    var old = listAgeMs() > config.warnHours * 3600000;
    if (!list) {
      ageText.textContent = texts.listMissing;
    } else {
      var generated = new Date(list.generated_at);
      var sameDay = Date.now() - generated.getTime() < 12 * 3600000;
      ageText.textContent = format(texts.listFrom, {
        time: (sameDay ? timeFormat : dayTimeFormat).format(generated),
        ago: ago(Date.now() - generated.getTime()),
      });
    }
    ageText.classList.toggle("is-warning", !list || old);
    listNote.textContent = old && list ? format(texts.listOld, { hours: config.warnHours }) : lastProblem;
    root.setAttribute("data-list-state", !list ? "missing" : old ? "old" : "ok");
    root.setAttribute("data-list-generated", list ? list.generated_at : "");
  }

  // --- refreshing keys and list ------------------------------------------------------------

  function fetchJson(url) {
    return window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || response.redirected || type.indexOf("json") === -1) {
          var error = new Error("not a list");
          error.login = response.redirected || type.indexOf("html") !== -1;
          throw error;
        }
        return response.json();
      });
  }

  var refreshing = null;

  function refresh() {
    if (refreshing) return refreshing;
    var problems = [];
    var keys = fetchJson(config.urls.keys).then(function (data) {
      if (data && Array.isArray(data.keys)) {
        stored.keys = { data: data, fetchedAt: new Date().toISOString() };
        save(STORE_KEYS, stored.keys);
      }
    }).catch(function () { /* offline: the stored keys stay */ });
    var list = fetchJson(config.urls.list).then(function (data) {
      if (data && data.format === 1 && typeof data.revoked === "string") {
        var previous = stored.list && stored.list.data;
        // An answer from the worker's cache may be older than what the page already holds.
        if (!previous || Date.parse(data.generated_at) >= Date.parse(previous.generated_at)) {
          stored.list = { data: data, fetchedAt: new Date().toISOString() };
          save(STORE_LIST, stored.list);
        }
      }
    }).catch(function (error) {
      if (error && error.login) problems.push(texts.listLogin);
      else if (navigator.onLine !== false) problems.push(texts.listFailed);
    });
    refreshing = Promise.all([keys, list]).then(function () {
      lastProblem = problems.join(" ");
      refreshing = null;
      renderStatus();
      prepare();
      root.setAttribute("data-refreshed", new Date().toISOString());
    });
    return refreshing;
  }

  // --- the verdict --------------------------------------------------------------------------

  var REASONS = {
    format: texts.reasonFormat,
    unknown_key: texts.reasonUnknownKey,
    forged: texts.reasonForged,
    unavailable: texts.reasonUnavailable,
    revoked: texts.reasonRevoked,
    ended: texts.reasonEnded,
    not_yet: texts.reasonNotYet,
    expired: texts.reasonExpired,
  };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function row(list, term, value) {
    list.appendChild(element("dt", "", term));
    list.appendChild(element("dd", "", value));
  }

  function show(result) {
    var box = element("div", "verdict " + (result.allowed ? "verdict-allowed" : "verdict-refused"));
    box.setAttribute("data-verdict", result.allowed ? "allowed" : "refused");
    box.setAttribute("data-reason", result.reason || (result.inGrace ? "grace" : ""));
    box.setAttribute("data-verify-ms", result.ms.toFixed(2));
    box.setAttribute("data-verifier", result.verifier || "");
    var head = element("p", "verdict-head");
    head.appendChild(element("span", "verdict-icon", result.allowed ? "\u2713" : "\u2715"));
    head.firstChild.setAttribute("aria-hidden", "true");
    head.appendChild(element("strong", "verdict-word", result.allowed ? texts.allowed : texts.notAllowed));
    box.appendChild(head);
    if (result.reason) box.appendChild(element("p", "verdict-reason", REASONS[result.reason] || result.reason));
    if (result.inGrace) {
      box.appendChild(element("p", "verdict-reason", format(texts.inGrace, { minutes: result.graceMinutes })));
    }
    if (result.claims) {
      var facts = element("dl", "verdict-facts");
      row(facts, texts.plate, result.claims.plate);
      row(facts, texts.zone, result.zoneName);
      if (result.reason === "not_yet") row(facts, texts.validFrom, showDate(result.claims.validFrom));
      row(facts, texts.validUntil, showDate(result.until));
      box.appendChild(facts);
    }
    var list = stored.list && stored.list.data;
    if (result.claims && (!list || listAgeMs() > config.warnHours * 3600000)) {
      box.appendChild(element("p", "verdict-warning", list ? format(texts.listOld, { hours: config.warnHours }) : texts.listMissing));
    }
    box.appendChild(element("p", "verdict-time", format(texts.checkedIn, {
      ms: result.ms < 10 ? result.ms.toFixed(1) : String(Math.round(result.ms)),
    })));
    resultBox.textContent = "";
    resultBox.appendChild(box);
  }

  var prepared = "";

  function prepare() {
    var keys = stored.keys && stored.keys.data ? stored.keys.data.keys : [];
    var id = keys.map(function (entry) { return entry.kid; }).join(",");
    if (!keys.length || id === prepared) return;
    prepared = id;
    verify.prepare(keys).then(function () { root.setAttribute("data-prepared", id); });
  }

  function checkCode(input) {
    var keys = stored.keys && stored.keys.data ? stored.keys.data.keys : [];
    var list = stored.list && stored.list.data;
    return verify.check(input, keys, list, new Date());
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!field.value.trim()) {
      resultBox.textContent = "";
      resultBox.appendChild(element("p", "verdict-hint", texts.empty));
      field.focus();
      return;
    }
    checkCode(field.value).then(function (result) {
      show(result);
      field.select();  // the next scan replaces the code
    });
  });

  // --- the camera ---------------------------------------------------------------------------

  var cameraStart = root.querySelector("[data-camera-start]");
  var cameraBox = root.querySelector("[data-camera]");
  var cameraStatus = root.querySelector("[data-camera-status]");
  var cameraStop = root.querySelector("[data-camera-stop]");
  var video = cameraBox.querySelector("video");
  var stream = null, running = false, detector = null, canvas = null, jsqrLoading = null;

  function loadJsqr() {
    if (window.jsQR) return Promise.resolve(window.jsQR);
    if (!jsqrLoading) {
      jsqrLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = config.jsqr;
        script.onload = function () { resolve(window.jsQR); };
        script.onerror = function () { jsqrLoading = null; reject(new Error("jsQR not loaded")); };
        document.head.appendChild(script);
      });
    }
    return jsqrLoading;
  }

  function decoder() {
    if ("BarcodeDetector" in window) {
      return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") === -1) throw new Error("no qr");
        detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return function () {
          return detector.detect(video).then(function (codes) {
            return codes.length ? codes[0].rawValue : "";
          });
        };
      }).catch(function () { detector = null; return jsqrDecoder(); });
    }
    return jsqrDecoder();
  }

  function jsqrDecoder() {
    return loadJsqr().then(function (jsQR) {
      canvas = canvas || document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return function () {
        var width = video.videoWidth, height = video.videoHeight;
        if (!width || !height) return Promise.resolve("");
        var scale = Math.min(1, 640 / Math.max(width, height));
        canvas.width = Math.round(width * scale);
        canvas.height = Math.round(height * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var found = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        return Promise.resolve(found ? found.data : "");
      };
    });
  }

  function stopCamera(keepFocus) {
    running = false;
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }
    video.srcObject = null;
    cameraBox.hidden = true;
    cameraStart.hidden = false;
    if (!keepFocus) cameraStart.focus();
  }

  function startCamera() {
    cameraBox.hidden = false;
    cameraStart.hidden = true;
    cameraStatus.textContent = texts.cameraLooking;
    Promise.all([
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }),
      decoder(),
    ]).then(function (both) {
      stream = both[0];
      var read = both[1];
      video.srcObject = stream;
      running = true;
      cameraStop.focus();
      return video.play().then(function () {
        (function look() {
          if (!running) return;
          read().then(function (value) {
            if (value && running) {
              field.value = value;
              stopCamera(true);
              form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
              return;
            }
            window.setTimeout(look, 150);
          }).catch(function () { window.setTimeout(look, 400); });
        })();
      });
    }).catch(function () {
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
      running = false;
      cameraStatus.textContent = texts.cameraUnavailable;
    });
  }

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    cameraStart.hidden = false;
    cameraStart.addEventListener("click", startCamera);
    cameraStop.addEventListener("click", function () { stopCamera(false); });
  }

  // --- installing and staying fresh ---------------------------------------------------------

  var installButton = root.querySelector("[data-install]");
  var installPrompt = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    installPrompt = event;
    installButton.hidden = false;
  });
  installButton.addEventListener("click", function () {
    if (!installPrompt) return;
    installPrompt.prompt();
    installPrompt.userChoice.then(function () { installPrompt = null; installButton.hidden = true; });
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.urls.sw, { scope: config.scope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      root.setAttribute("data-worker", "ready");
    }).catch(function () {
      root.setAttribute("data-worker", "failed");
    });
    // The first visit's worker takes over: fetch once more, so its cache holds the data too.
    navigator.serviceWorker.addEventListener("controllerchange", function () { refresh(); });
  }

  window.addEventListener("online", function () {
    renderStatus();
    refresh();
    // The worker may learn of the connection a moment after the page: ask once more.
    window.setTimeout(function () { if (navigator.onLine !== false) refresh(); }, 3000);
  });
  window.addEventListener("offline", renderStatus);
  window.setInterval(function () { if (navigator.onLine !== false) refresh(); }, config.refreshSeconds * 1000);
  window.setInterval(renderStatus, 30000);  // the age moves on
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { renderStatus(); if (navigator.onLine !== false) refresh(); }
  });

  // Logging out on this phone leaves nothing of the app behind: stored list and keys, the
  // worker's caches (the page with the officer's name) and the worker itself.
  document.addEventListener("submit", function (event) {
    var target = event.target;
    if (target.getAttribute("action") !== config.urls.logout || target.hasAttribute("data-cleared")) return;
    event.preventDefault();
    target.setAttribute("data-cleared", "");
    try {
      window.localStorage.removeItem(STORE_KEYS);
      window.localStorage.removeItem(STORE_LIST);
    } catch (e) { /* blocked */ }
    var work = [];
    if (window.caches) {
      work.push(window.caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) { return name.indexOf("kontrolle-") === 0; })
          .map(function (name) { return window.caches.delete(name); }));
      }));
    }
    if ("serviceWorker" in navigator) {
      work.push(navigator.serviceWorker.getRegistration(config.scope).then(function (registration) {
        return registration && registration.unregister();
      }));
    }
    var done = function () { target.submit(); };
    Promise.race([Promise.all(work), new Promise(function (resolve) { window.setTimeout(resolve, 1500); })])
      .then(done, done);
  });

  // For the benchmark and the tests: the same check as the form, without the DOM.
  window.rathausKontrolle = { check: checkCode, refresh: refresh };

  renderStatus();
  prepare();
  refresh();
})();
