/* The waiting room's call display: updates the page in place; each new call blinks and, once
   sound is switched on, is announced. `update(state)` is the one entry point. The live channel
   (Server-Sent Events at data-live-url) says when the state changed, and the display reads it
   at once; while the stream is down it polls every second, and every 15 s as a safety net
   while it is up. */
(function () {
  "use strict";

  var root = document.querySelector("[data-queue-display]");
  if (!root) {
    return;
  }
  var POLL_MS = 1000;
  var SAFETY_MS = 15000;
  var MAX_CATCH_UP = 3;
  var BLINK_MS = 10000;
  var stateUrl = root.getAttribute("data-state-url");
  var lastSeen = parseInt(root.getAttribute("data-last-call-id") || "0", 10) || 0;
  var soundOn = false;
  var queue = [];
  var playing = false;
  var failures = 0;
  var shown = "";

  var el = {
    current: document.getElementById("queue-current"),
    calls: document.getElementById("queue-calls"),
    waiting: document.getElementById("queue-waiting"),
    wait: document.getElementById("queue-wait"),
    waitEn: document.getElementById("queue-wait-en"),
    offline: document.getElementById("queue-offline"),
    clock: document.getElementById("queue-clock"),
    sound: document.getElementById("queue-sound")
  };

  function text(tag, className, value) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    node.textContent = value;
    return node;
  }

  function hhmm(date) {
    return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
  }

  function waitText(minutes, suffix) {
    if (minutes === null || minutes === undefined) {
      return root.getAttribute("data-text-unknown" + suffix);
    }
    return root.getAttribute("data-text-minutes" + suffix).replace("{n}", String(minutes));
  }

  function renderCurrent(current, fresh) {
    el.current.textContent = "";
    if (!current.length) {
      el.current.appendChild(text("li", "queue-none", "–"));
      return;
    }
    current.forEach(function (line) {
      var item = document.createElement("li");
      item.setAttribute("data-number", line.number);
      item.appendChild(text("span", "queue-big-number", line.number));
      item.appendChild(document.createTextNode(" "));
      var arrow = text("span", "", "→");
      arrow.setAttribute("aria-hidden", "true");
      item.appendChild(arrow);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(text("span", "queue-big-counter", line.counter));
      if (fresh[line.number]) {
        blink(item);
      }
      el.current.appendChild(item);
    });
  }

  function renderCalls(calls, fresh) {
    el.calls.textContent = "";
    calls.slice().reverse().forEach(function (call) {
      var item = document.createElement("li");
      item.setAttribute("data-call-id", String(call.id));
      item.appendChild(text("span", "queue-call-number", call.number));
      item.appendChild(document.createTextNode(" → " + call.counter + " "));
      var at = new Date(call.at);
      var time = text("time", "", hhmm(at));
      time.setAttribute("datetime", call.at);
      item.appendChild(time);
      if (fresh[call.number] === call.id) {
        blink(item);
      }
      el.calls.appendChild(item);
    });
  }

  function blink(node) {
    node.classList.add("queue-new");
    window.setTimeout(function () {
      node.classList.remove("queue-new");
    }, BLINK_MS);
  }

  function play() {
    if (playing || !queue.length) {
      return;
    }
    var src = queue.shift();
    if (!soundOn) {
      queue = [];
      return;
    }
    playing = true;
    var audio = new Audio(src);
    var next = function () {
      playing = false;
      play();
    };
    audio.addEventListener("ended", next);
    audio.addEventListener("error", next);
    var started = audio.play();
    if (started && started.catch) {
      started.catch(next);
    }
  }

  function update(state) {
    var calls = state.calls || [];
    var newer = calls.filter(function (call) {
      return call.id > lastSeen;
    });
    newer = newer.slice(-MAX_CATCH_UP);
    var fresh = {};
    newer.forEach(function (call) {
      fresh[call.number] = call.id;
      queue.push(call.audio);
    });
    if (state.last_call_id > lastSeen) {
      lastSeen = state.last_call_id;
    }
    // Redraw only on a change, so a screen reader hears each call once.
    var signature = JSON.stringify([state.current, calls]);
    if (signature !== shown || newer.length) {
      shown = signature;
      renderCurrent(state.current || [], fresh);
      renderCalls(calls, fresh);
    }
    el.waiting.textContent = String(state.waiting_count);
    el.wait.textContent = waitText(state.walk_in_wait_minutes, "");
    el.waitEn.textContent = waitText(state.walk_in_wait_minutes, "-en");
    play();
  }

  function online(ok) {
    el.offline.hidden = ok;
  }

  function fetchState() {
    return fetch(stateUrl, { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        online(true);
        update(state);
      })
      .catch(function () {
        failures += 1;
        online(false);
      });
  }

  function poll() {
    fetchState().then(function () {
      // Back off a little while the connection is down, never beyond five seconds.
      var wait = streamOpen ? SAFETY_MS : Math.min(POLL_MS * (1 + failures), 5000);
      window.setTimeout(poll, wait);
    });
  }

  var streamOpen = false;
  var liveUrl = root.getAttribute("data-live-url");
  if (liveUrl && window.EventSource) {
    var source = new window.EventSource(liveUrl);
    source.addEventListener("open", function () {
      streamOpen = true;
      fetchState(); // what changed while the stream was away
    });
    source.addEventListener("error", function () {
      streamOpen = false; // the browser reconnects by itself; polling covers the gap
    });
    source.addEventListener("state", function (event) {
      // The event carries the display's state; an older server's event does not: read it.
      var data = null;
      try {
        data = JSON.parse(event.data);
      } catch (error) {
        data = null;
      }
      if (data && data.display) {
        failures = 0;
        online(true);
        update(data.display);
      } else {
        fetchState();
      }
    });
  }

  function tick() {
    var now = new Date();
    el.clock.textContent = hhmm(now);
    el.clock.setAttribute("datetime", now.toISOString());
  }

  el.sound.hidden = false;
  el.sound.addEventListener("click", function () {
    soundOn = !soundOn;
    el.sound.setAttribute("aria-pressed", soundOn ? "true" : "false");
    queue = [];
  });
  el.sound.setAttribute("aria-pressed", "false");

  window.RathausQueueDisplay = { update: update };
  window.setInterval(tick, 1000);
  window.setTimeout(poll, POLL_MS);
})();
