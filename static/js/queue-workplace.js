/* Keyboard shortcuts of the clerk's workplace: a letter presses the button that carries it
   in `data-shortcut` (N next, B start, W call again, X did not come, F done, P pause or
   resume). Never while typing in a field or with a modifier key held. */
(function () {
  "use strict";

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) {
      return;
    }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) {
      return;
    }
    var key = (event.key || "").toLowerCase();
    if (key.length !== 1) {
      return;
    }
    var button = document.querySelector('button[data-shortcut="' + key + '"]');
    if (!button || button.disabled) {
      return;
    }
    event.preventDefault();
    button.disabled = true; // one press, one request
    button.form.submit();
  });
})();
