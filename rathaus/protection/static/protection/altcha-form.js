// Wires each <altcha-widget> of the page to its form (no inline script: strict CSP).
// - The PBKDF2 worker comes from our own static files (URL in data-worker).
// - The widget starts solving when the user first focuses the form ("onfocus"). If the form
//   is sent before it is done, the submission waits for the result and then goes on; if the
//   check fails (no Web Crypto, challenge refused), it goes on without a solution and the
//   server applies its limit for submissions without the check.
// - A polite live region ([data-altcha-status], in the page from the start so screen readers
//   track it) says what the check is doing, and says visibly that a form sent during the
//   check waits for it (WCAG 4.1.3). Its texts come translated from the template.
const ALGORITHMS = ["PBKDF2/SHA-256", "PBKDF2/SHA-384", "PBKDF2/SHA-512"];

function announcer(status) {
  let last = "";
  return (key) => {
    const text = status ? status.dataset[`text${key}`] || "" : "";
    if (!status || text === last) {
      return;
    }
    last = text;
    status.textContent = text;
    status.dataset.state = key.toLowerCase();
  };
}

function followState(widget, say) {
  widget.addEventListener("statechange", (change) => {
    const state = change.detail && change.detail.state;
    if (state === "verifying") {
      say("Verifying");
    } else if (state === "verified") {
      say("Verified");
    } else if (state === "error") {
      say("Error");
    }
  });
}

function holdUntilSolved(widget, form, say) {
  let pending = false;
  let giveUp = false;
  form.addEventListener(
    "submit",
    (event) => {
      const state = widget.getState ? widget.getState() : "verified";
      if (giveUp || state === "verified") {
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      say("Held");
      if (pending) {
        return;
      }
      pending = true;
      form.setAttribute("aria-busy", "true");
      const submitter = event.submitter;
      const onChange = (change) => {
        const next = change.detail && change.detail.state;
        if (next !== "verified" && next !== "error") {
          return;
        }
        widget.removeEventListener("statechange", onChange);
        pending = false;
        giveUp = next === "error";
        form.removeAttribute("aria-busy");
        form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      };
      widget.addEventListener("statechange", onChange);
      if (state !== "verifying") {
        widget.verify();
      }
    },
    { capture: true },
  );
}

for (const widget of document.querySelectorAll("altcha-widget[data-worker]")) {
  const workerUrl = widget.dataset.worker;
  for (const algorithm of ALGORITHMS) {
    globalThis.$altcha.algorithms.set(algorithm, () => new Worker(workerUrl));
  }
  const field = widget.parentElement;
  field.querySelector("[data-altcha-help]")?.removeAttribute("hidden");
  const say = announcer(field.querySelector("[data-altcha-status]"));
  followState(widget, say);
  const form = widget.closest("form");
  if (form) {
    holdUntilSolved(widget, form, say);
  }
}
