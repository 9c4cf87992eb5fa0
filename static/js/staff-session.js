// Staff session warning (WCAG 2.2.1) and keeping what was typed across a forced logout.
//
// On staff pages (#session-warning, rendered for signed-in staff only): a dialog shows a
// little before the idle limit ends; "Stay logged in" asks the server for more time without
// reloading. When the time is up, what the page's forms hold is kept in sessionStorage (this
// tab only), and the page reloads: the server sends the login page, and after the login the
// same page gets the values back. A POST that meets an ended session is kept the same way: the
// login page (form[data-staff-login]) marks it for restoring and sends the user back to it.
// Without JavaScript nothing of this runs, and the form in the dialog still works.
(function () {
  "use strict";

  var KEY = "rathaus.keptForms";
  var ENDS_KEY = "rathaus.sessionEndsAt";  // localStorage: shared by the tabs, no content
  var MAX_AGE_MS = 60 * 60 * 1000;
  var SKIPPED_TYPES = ["password", "hidden", "file", "submit", "button", "reset", "image"];

  function read() {
    try {
      var entry = JSON.parse(window.sessionStorage.getItem(KEY) || "null");
      if (entry && Date.now() - entry.savedAt < MAX_AGE_MS) return entry;
    } catch (error) { /* storage blocked or damaged: nothing kept */ }
    forget();
    return null;
  }

  function write(entry) {
    try { window.sessionStorage.setItem(KEY, JSON.stringify(entry)); } catch (error) { /* full or blocked */ }
  }

  function forget() {
    try { window.sessionStorage.removeItem(KEY); } catch (error) { /* blocked */ }
  }

  function here() {
    return window.location.pathname + window.location.search;
  }

  function keptForm(form) {
    return !form.closest("#session-warning") && !form.hasAttribute("data-not-kept") &&
      !/\/logout\/$/.test(form.getAttribute("action") || "");
  }

  function fieldsOf(form) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || SKIPPED_TYPES.indexOf(element.type) !== -1) return;
      if (element.type === "select-multiple") {
        Array.prototype.forEach.call(element.options, function (option) {
          if (option.selected) fields.push({ name: element.name, value: option.value, checked: true });
        });
      } else {
        fields.push({ name: element.name, value: element.value, checked: element.checked });
      }
    });
    return fields;
  }

  function keep(forms, restore) {
    var kept = [];
    Array.prototype.forEach.call(document.forms, function (form, index) {
      if (forms.indexOf(form) !== -1 && keptForm(form)) {
        kept.push({ index: index, action: form.getAttribute("action") || "", fields: fieldsOf(form) });
      }
    });
    if (kept.length) write({ page: here(), forms: kept, savedAt: Date.now(), restore: restore });
  }

  function fill(form, fields) {
    var queues = {};
    fields.forEach(function (field) { (queues[field.name] = queues[field.name] || []).push(field); });
    Array.prototype.forEach.call(form.elements, function (element) {
      var saved = queues[element.name];
      if (!saved || SKIPPED_TYPES.indexOf(element.type) !== -1) return;
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = saved.some(function (f) { return f.value === element.value && f.checked; });
      } else if (element.type === "select-multiple") {
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = saved.some(function (f) { return f.value === option.value; });
        });
      } else if (saved.length) {
        element.value = saved.shift().value;
      }
    });
  }

  function announce(text, visible) {
    var status = document.getElementById("session-status");
    if (visible) {
      var main = document.getElementById("main");
      var box = document.createElement("div");
      box.className = "messages";
      box.setAttribute("role", "status");
      main.insertBefore(box, main.firstChild);
      // Filled after insertion, so that screen readers announce it.
      window.setTimeout(function () {
        box.innerHTML = "";
        var message = document.createElement("p");
        message.className = "message message-info";
        message.textContent = text;
        box.appendChild(message);
      }, 100);
    } else if (status) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 100);
    }
  }

  function restoreHere(texts) {
    var entry = read();
    if (!entry) return;
    if (!entry.restore) { forget(); return; }  // sent normally: nothing to give back
    if (entry.page !== here()) return;        // e.g. the second-factor step on the way back
    entry.forms.forEach(function (saved) {
      var form = document.forms[saved.index];
      if (form && (form.getAttribute("action") || "") === saved.action) fill(form, saved.fields);
    });
    forget();
    announce(texts.restored, true);
  }

  function loginPage(form) {
    var entry = read();
    if (!entry) return;
    entry.restore = true;
    write(entry);
    var next = form.querySelector("input[name=next]");
    if (next && !next.value) next.value = entry.page;
  }

  function staffPage(dialog) {
    var texts = {
      minutes: dialog.dataset.textMinutes,
      minute: dialog.dataset.textMinute,
      seconds: dialog.dataset.textSeconds,
      extended: dialog.dataset.textExtended,
      ended: dialog.dataset.textEnded,
      restored: dialog.dataset.textRestored,
    };
    var lead = Number(dialog.dataset.lead) * 1000;
    var form = dialog.querySelector("form");
    var button = dialog.querySelector("[data-extend]");
    var countdown = dialog.querySelector("[data-countdown]");
    var endsAt = 0, warnTimer = 0, endTimer = 0, tick = 0, focusBefore = null;

    function left(ms) {
      var seconds = Math.max(0, Math.ceil(ms / 1000));
      if (seconds > 90) return texts.minutes.replace("{n}", Math.round(seconds / 60));
      if (seconds > 60) return texts.minute;
      return texts.seconds.replace("{n}", seconds);
    }

    function show() {
      countdown.textContent = left(endsAt - Date.now());
      focusBefore = document.activeElement;
      dialog.hidden = false;
      button.focus();
      tick = window.setInterval(function () { countdown.textContent = left(endsAt - Date.now()); }, 1000);
    }

    function hide() {
      dialog.hidden = true;
      window.clearInterval(tick);
      if (focusBefore && focusBefore.focus && document.contains(focusBefore)) focusBefore.focus();
    }

    function end() {
      window.clearInterval(tick);
      keep(Array.prototype.slice.call(document.forms), true);
      countdown.textContent = left(0);
      button.disabled = true;
      announce(texts.ended, false);
      window.location.reload();  // the server answers with its login page
    }

    function schedule(remainingSeconds, fromOtherTab) {
      window.clearTimeout(warnTimer);
      window.clearTimeout(endTimer);
      var remaining = remainingSeconds * 1000;
      endsAt = Date.now() + remaining;
      if (!fromOtherTab) {
        // Every request of any tab extends the one session: tell the other tabs.
        try { window.localStorage.setItem(ENDS_KEY, String(endsAt)); } catch (error) { /* blocked */ }
      }
      warnTimer = window.setTimeout(show, Math.max(0, remaining - lead));
      // A second late, so that the server's idle limit has surely passed.
      endTimer = window.setTimeout(end, remaining + 1000);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      window.fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      }).then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (!response.ok || !json) throw new Error("session ended");
        return response.json();
      }).then(function (answer) {
        button.disabled = false;
        hide();
        announce(texts.extended, false);
        schedule(answer.remaining);
      }).catch(function () {
        button.disabled = false;
        end();
      });
    });

    document.addEventListener("submit", function (event) {
      var target = event.target;
      if (target !== form && (target.method || "").toLowerCase() === "post") keep([target], false);
    }, true);

    window.addEventListener("storage", function (event) {
      if (event.key !== ENDS_KEY || !event.newValue) return;
      var later = Number(event.newValue);
      if (later <= endsAt) return;
      if (!dialog.hidden) hide();
      schedule((later - Date.now()) / 1000, true);
    });

    restoreHere(texts);
    schedule(Number(dialog.dataset.remaining));
  }

  function start() {
    var dialog = document.getElementById("session-warning");
    if (dialog) { staffPage(dialog); return; }
    var login = document.querySelector("form[data-staff-login]");
    if (login) loginPage(login);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
