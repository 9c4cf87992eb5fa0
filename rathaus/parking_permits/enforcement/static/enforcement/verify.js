/* Offline verification of a Bottrop parking permit's signed code, without the DOM.

   BP1.<key id>.<payload, base64url>.<Ed25519 signature, base64url>
   payload: {"n": number, "p": plate, "z": zone slug, "f": valid from, "u": valid until}

   The signature is checked with WebCrypto's Ed25519 where the browser has it, else with the
   vendored noble-ed25519 (an ES module, imported on first need). Then the revocation list decides: the permit
   number's suffix must not be in the sorted, packed string of revoked suffixes (binary
   search), an early end ("ends") and the zone's grace period after the last day count.
   Dates are Europe/Berlin wall-clock dates, as on the permit. */
(function (global) {
  "use strict";

  var PREFIX = "BP1";
  var TIME_ZONE = "Europe/Berlin";
  var DAY_MS = 86400000;
  var keyCache = {};  // kid + public key → Promise<CryptoKey|null> (null: WebCrypto cannot)
  var nobleLoading = null;
  var state = { forceJs: false, nobleUrl: "", used: "" };
  // RFC 8032, 7.1, test 1: warms the verifier up before the first scan.
  var VECTOR = {
    key: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
    signature: "5VZDAMNgrHKQhuLMgG6CioSHfx645dl02HPgZSJJAVVfuIIVkKM7rMYeOXAc+bRr0lv18FlbviRlUUFDjnoQCw==",
  };

  function b64urlBytes(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var raw = global.atob(b64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function b64Bytes(text) {
    var raw = global.atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  /* The code itself from what a scanner or a person gives: the code, or the check address
     with ?c=… (also URL-encoded, also with spaces or a line break around it). */
  function extractCode(input) {
    var text = String(input || "").trim();
    var match = /[?&]c=([^&#\s]+)/.exec(text);
    if (match) {
      try { text = decodeURIComponent(match[1].replace(/\+/g, " ")); } catch (e) { text = match[1]; }
    }
    return text.trim();
  }

  function parse(code) {
    var parts = code.split(".");
    if (parts.length !== 4 || parts[0] !== PREFIX || !parts[1]) return null;
    try {
      var payload = b64urlBytes(parts[2]);
      var signature = b64urlBytes(parts[3]);
      return { kid: parts[1], payload: payload, signature: signature };
    } catch (e) {
      return null;
    }
  }

  function claimsOf(payload) {
    try {
      var data = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload));
      var date = /^\d{4}-\d{2}-\d{2}$/;
      if (typeof data.n !== "string" || typeof data.p !== "string" || typeof data.z !== "string" ||
          !date.test(data.f) || !date.test(data.u)) return null;
      return { number: data.n, plate: data.p, zone: data.z, validFrom: data.f, validUntil: data.u };
    } catch (e) {
      return null;
    }
  }

  function webcryptoKey(kid, publicKey) {
    var id = kid + ":" + publicKey;
    if (!keyCache[id]) {
      var subtle = global.crypto && global.crypto.subtle;
      keyCache[id] = !subtle || state.forceJs ? Promise.resolve(null) :
        subtle.importKey("raw", b64Bytes(publicKey), { name: "Ed25519" }, false, ["verify"])
          .catch(function () { return null; });
    }
    return keyCache[id];
  }

  function loadNoble() {
    if (!nobleLoading) {
      nobleLoading = import(state.nobleUrl).catch(function (error) {
        nobleLoading = null;
        throw error;
      });
    }
    return nobleLoading;
  }

  function verifySignature(parsed, publicKey) {
    return webcryptoKey(parsed.kid, publicKey).then(function (key) {
      if (key) {
        state.used = "webcrypto";
        return global.crypto.subtle.verify({ name: "Ed25519" }, key, parsed.signature, parsed.payload);
      }
      return loadNoble().then(function (noble) {
        state.used = "js";
        var raw = b64Bytes(publicKey);
        if (raw.length !== 32 || parsed.signature.length !== 64) return false;
        return noble.verifyAsync(parsed.signature, parsed.payload, raw).catch(function () {
          return false;  // a malformed point or signature: not genuine
        });
      });
    });
  }

  /* The Berlin wall clock of `now` as milliseconds of a UTC date with the same digits, and
     today's Berlin date (YYYY-MM-DD). */
  var berlinParts = null;
  function berlin(now) {
    if (!berlinParts) {
      berlinParts = new Intl.DateTimeFormat("en-GB", {
        timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
      });
    }
    var p = {};
    berlinParts.formatToParts(now).forEach(function (part) { p[part.type] = part.value; });
    var wall = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
    return { wall: wall, today: p.year + "-" + p.month + "-" + p.day };
  }

  function dayMs(isoDate) {
    var d = isoDate.split("-");
    return Date.UTC(+d[0], +d[1] - 1, +d[2]);
  }

  /* Whether `suffix` is in `packed`, a sorted concatenation of `width`-character entries. */
  function inPacked(packed, width, suffix) {
    if (!packed || !width || suffix.length !== width) return false;
    var low = 0, high = Math.floor(packed.length / width) - 1;
    while (low <= high) {
      var middle = (low + high) >> 1;
      var entry = packed.substr(middle * width, width);
      if (entry === suffix) return true;
      if (entry < suffix) low = middle + 1; else high = middle - 1;
    }
    return false;
  }

  /* The verdict on genuine claims by the revocation list and the date.
     reasons: revoked, ended, not_yet, expired; allowed with inGrace when past the last day. */
  function decide(claims, list, now) {
    var prefix = (list && list.permit_prefix) || "";
    var suffix = claims.number.indexOf(prefix) === 0 ? claims.number.slice(prefix.length) : claims.number;
    var zone = (list && list.zones && list.zones[claims.zone]) || null;
    var grace = zone && zone.grace_minutes ? Number(zone.grace_minutes) : 0;
    var until = claims.validUntil;
    var ended = list && list.ends && list.ends[suffix];
    if (ended && ended < until) until = ended;
    var clock = berlin(now);
    var result = {
      allowed: false, reason: "", claims: claims, zoneName: zone ? zone.name : claims.zone,
      until: until, graceMinutes: grace, inGrace: false, listMissing: !list,
    };
    if (list && inPacked(list.revoked, Number(list.width), suffix)) {
      result.reason = "revoked";
    } else if (clock.today < claims.validFrom) {
      result.reason = "not_yet";
    } else {
      var end = dayMs(until) + DAY_MS;  // the end of the last day, Berlin wall clock
      if (clock.wall >= end + grace * 60000) {
        result.reason = until !== claims.validUntil ? "ended" : "expired";
      } else {
        result.allowed = true;
        result.inGrace = clock.wall >= end;
      }
    }
    return result;
  }

  /* The whole check: {allowed, reason, claims, zoneName, until, inGrace, ms, verifier}.
     reason when refused: format, unknown_key, forged, unavailable, revoked, ended, not_yet,
     expired. */
  function check(input, keys, list, now) {
    var started = global.performance.now();
    var code = extractCode(input);
    function done(result) {
      result.ms = global.performance.now() - started;
      result.verifier = state.used;
      return result;
    }
    var parsed = parse(code);
    if (!parsed) return Promise.resolve(done({ allowed: false, reason: "format" }));
    var key = null;
    (keys || []).forEach(function (entry) { if (entry.kid === parsed.kid) key = entry; });
    if (!key) return Promise.resolve(done({ allowed: false, reason: "unknown_key" }));
    return verifySignature(parsed, key.public_key).then(function (genuine) {
      var claims = genuine ? claimsOf(parsed.payload) : null;
      if (!claims) return done({ allowed: false, reason: "forged" });
      return done(decide(claims, list, now || new Date()));
    }, function () {
      // Neither WebCrypto nor the JS verifier could run (not loaded offline): no verdict.
      return done({ allowed: false, reason: "unavailable" });
    });
  }

  /* Import the keys (or load the JS verifier) and verify once, before the first scan: the
     first check then costs what every other does. */
  function prepare(keys) {
    berlin(new Date());  // builds the date formatter once
    inPacked("A", 1, "A");
    var work = (keys || []).map(function (entry) { return webcryptoKey(entry.kid, entry.public_key); });
    return Promise.all(work).then(function (imported) {
      if (imported.length && imported.every(Boolean)) {
        return global.crypto.subtle.importKey("raw", b64Bytes(VECTOR.key), { name: "Ed25519" }, false, ["verify"])
          .then(function (key) {
            return global.crypto.subtle.verify({ name: "Ed25519" }, key, b64Bytes(VECTOR.signature), new Uint8Array(0));
          });
      }
      return loadNoble().then(function (noble) {
        return noble.verifyAsync(b64Bytes(VECTOR.signature), new Uint8Array(0), b64Bytes(VECTOR.key));
      });
    }).catch(function () { return false; });
  }

  global.KontrolleVerify = {
    prepare: prepare,
    check: check,
    decide: decide,
    extractCode: extractCode,
    inPacked: inPacked,
    configure: function (options) {
      if ("forceJs" in options) { state.forceJs = !!options.forceJs; keyCache = {}; }
      if (options.nobleUrl) state.nobleUrl = options.nobleUrl;
    },
    verifier: function () { return state.used; },
  };
})(window);
