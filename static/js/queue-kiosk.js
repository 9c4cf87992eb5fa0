/* The kiosk's progressive enhancements: scanning the e-mail's code with the camera where the
   browser has a BarcodeDetector (otherwise the button stays hidden and a USB scanner or the
   keyboard fill the field), and a print button on the receipt page. */
(function () {
  "use strict";

  function scanner(form) {
    var button = form.querySelector("[data-scan]");
    var box = form.querySelector("[data-camera]");
    var field = form.querySelector("input[type=text]");
    if (!button || !box || !field || !("BarcodeDetector" in window) ||
        !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return;
    }
    var video = box.querySelector("video");
    var status = box.querySelector("[data-scan-status]");
    var stream = null;
    var detector = null;
    var running = false;

    function stop() {
      running = false;
      if (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        stream = null;
      }
      box.hidden = true;
      button.focus();
    }

    function look() {
      if (!running) { return; }
      detector.detect(video).then(function (codes) {
        if (codes.length && codes[0].rawValue) {
          field.value = codes[0].rawValue;
          stop();
          form.requestSubmit ? form.requestSubmit() : form.submit();
          return;
        }
        window.setTimeout(look, 250);
      }).catch(function () { window.setTimeout(look, 500); });
    }

    button.hidden = false;
    button.addEventListener("click", function () {
      detector = detector || new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" }, audio: false })
        .then(function (media) {
          stream = media;
          video.srcObject = media;
          box.hidden = false;
          running = true;
          return video.play();
        })
        .then(look)
        .catch(function () {
          box.hidden = false;
          status.textContent = button.getAttribute("data-unavailable") || "";
        });
    });
    box.querySelector("[data-scan-stop]").addEventListener("click", stop);
  }

  document.querySelectorAll("[data-scan-form]").forEach(scanner);

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // The number page goes back to the start for the next person after a while without a
  // touch; every touch or key starts the while anew, so nobody is hurried away.
  var back = document.querySelector("[data-return-url]");
  if (back) {
    var seconds = parseInt(back.getAttribute("data-return-seconds"), 10) || 60;
    var timer = null;
    var restart = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        window.location.assign(back.getAttribute("data-return-url"));
      }, seconds * 1000);
    };
    ["pointerdown", "keydown"].forEach(function (name) {
      document.addEventListener(name, restart, { passive: true });
    });
    restart();
  }
})();
