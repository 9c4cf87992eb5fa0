/* The ticket page on the phone: asks stand.json every few seconds and updates the page in
   place (an ARIA live region announces the change). When three or fewer are ahead, and again
   when the number is called, it alerts once each: a banner, vibration, and a short tone made
   with the Web Audio API once the user turned sound on (browsers need a gesture for it).

   `ticketUpdate(state)` takes the JSON object {number, status, position, ahead, minutes,
   counter}; a live channel (Server-Sent Events) can call the same function later. */
(function () {
  "use strict";

  var root = document.querySelector("[data-ticket]");
  if (!root) { return; }

  var near = parseInt(root.getAttribute("data-near"), 10) || 3;
  var alerted = {};
  var audio = null;

  function text(name) { return root.getAttribute("data-text-" + name) || ""; }
  function field(name) { return root.querySelector("[data-field=" + name + "]"); }
  function set(name, value) {
    var node = field(name);
    if (node && node.textContent !== String(value)) { node.textContent = value; }
  }

  function tone() {
    if (!audio) { return; }
    var now = audio.currentTime;
    [880, 660].forEach(function (frequency, index) {
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + index * 0.35);
      gain.gain.exponentialRampToValueAtTime(0.4, now + index * 0.35 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + index * 0.35 + 0.3);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(now + index * 0.35);
      oscillator.stop(now + index * 0.35 + 0.32);
    });
  }

  function alertOnce(kind, message) {
    var banner = root.querySelector("[data-banner]");
    banner.textContent = message;
    banner.classList.remove("is-hidden");
    banner.classList.toggle("is-near", kind === "near");
    if (alerted[kind]) { return; }
    alerted[kind] = true;
    if (navigator.vibrate) { navigator.vibrate(kind === "called" ? [400, 150, 400] : [200]); }
    tone();
  }

  function ticketUpdate(state) {
    var called = state.status === "called" || state.status === "serving";
    var closed = state.status === "done" || state.status === "no_show";
    var unknown = text("unknown");
    set("number", state.number);
    set("position", state.position == null ? unknown : state.position);
    set("ahead", state.ahead == null ? unknown : state.ahead);
    set("minutes", state.minutes == null ? unknown
      : text("minutes").replace("{minutes}", state.minutes));
    var facts = root.querySelector("[data-facts]");
    if (facts) { facts.hidden = called || closed; }
    if (closed) {
      set("message", text("closed"));
      root.querySelector("[data-banner]").classList.add("is-hidden");
      stop();
    } else if (state.status === "serving") {
      set("message", text("serving"));
    } else if (called) {
      set("message", text("go"));
      alertOnce("called", text("called").replace("{counter}", state.counter || ""));
    } else {
      set("message", text("waiting"));
      if (state.ahead != null && state.ahead <= near) { alertOnce("near", text("near")); }
    }
  }
  window.ticketUpdate = ticketUpdate;

  var timer = null;
  var url = root.getAttribute("data-state-url");
  var seconds = parseInt(root.getAttribute("data-poll-seconds"), 10) || 5;

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) { if (state) { ticketUpdate(state); } })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }
  function stop() { if (timer) { window.clearInterval(timer); timer = null; } }

  // The reload every 30 s sits in <noscript>: with JavaScript the page updates in place. The
  // live channel (Server-Sent Events) says when the queue changed; polling covers its gaps.
  timer = window.setInterval(poll, seconds * 1000);
  var liveUrl = root.getAttribute("data-live-url");
  if (liveUrl && window.EventSource) {
    var source = new window.EventSource(liveUrl);
    // Each event carries the place table of the waiting room (numbers only): the page finds
    // its own number there and asks the server only when the number is in neither list.
    source.addEventListener("state", function (event) {
      var data = null;
      try { data = JSON.parse(event.data); } catch (error) { data = null; }
      var field = root.querySelector('[data-field="number"]');
      var number = field ? field.textContent.trim() : "";
      var waiting = data && data.waiting && data.waiting[number];
      var called = data && data.called && data.called[number];
      if (waiting) {
        ticketUpdate({ number: number, status: "waiting", position: waiting[0],
          ahead: waiting[1], minutes: waiting[2], counter: null });
      } else if (called) {
        ticketUpdate({ number: number, status: called[1], position: null, ahead: null,
          minutes: null, counter: called[0] });
      } else {
        poll();
      }
    });
    source.addEventListener("open", function () {
      poll();
      stop();
      timer = window.setInterval(poll, 30000); // a safety net while the stream is up
    });
    source.addEventListener("error", function () {
      stop();
      timer = window.setInterval(poll, seconds * 1000);
    });
  }

  var sound = root.querySelector("[data-sound]");
  var AudioContext = window.AudioContext || window.webkitAudioContext;
  if (sound && AudioContext) {
    sound.hidden = false;
    sound.addEventListener("click", function () {
      audio = audio || new AudioContext();
      audio.resume();
      tone();
      sound.textContent = text("sound-on");
      sound.setAttribute("aria-pressed", "true");
    });
  }
})();
