// undersign's signing script. Without it (JavaScript off) the form still
// signs: the server then counts the signature under its no-JavaScript budget.
// With it, the page:
//   - solves the form's proof-of-work challenge with the browser's own
//     SHA-256 (WebCrypto) while the signer types (not when hCaptcha is on:
//     then the puzzle is the check);
//   - sends each form once: a second press while the first is on its way is
//     ignored, the button says it is busy, and a status line (a live region
//     screen readers announce) says what is happening;
//   - pads the request to one length, so over TLS the body's size no longer
//     follows the names and their script.
// It never blocks signing: a few seconds after "Sign" is pressed the form
// goes, with or without an answer. Nothing leaves the page but the form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-pow]");
  if (!form) return;
  var button = form.querySelector("button[type=submit]");
  var status = document.getElementById("sign-status");
  var challenge = form.querySelector("input[name=challenge]");
  var answer = form.querySelector("input[name=pow]");
  var hcaptcha = form.querySelector(".h-captcha") !== null;

  // Seconds a press waits for the proof-of-work before the form goes anyway.
  var GRACE_MS = 8000;
  // The largest form the fields' limits allow, in three-byte characters
  // (9 bytes once %-encoded), stays below this.
  var PADDED_BODY = 8192;

  function hidden(name) {
    var input = form.querySelector("input[name=" + name + "]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    return input;
  }

  // Every body this script sends has the same length: a "pad" field (which
  // the server ignores) takes up the rest.
  function pad() {
    var filler = hidden("pad");
    filler.value = "";
    // The same encoding the browser uses to send the form.
    var length = new URLSearchParams(new FormData(form)).toString().length;
    if (length < PADDED_BODY) filler.value = new Array(PADDED_BODY - length + 1).join("x");
  }

  function say(text) {
    if (status) status.textContent = text;
  }

  var idleLabel = button ? button.textContent : "";
  function busy(on) {
    if (!button) return;
    if (on) {
      button.setAttribute("aria-disabled", "true");
      button.textContent = button.getAttribute("data-sending") || idleLabel;
    } else {
      button.removeAttribute("aria-disabled");
      button.textContent = idleLabel;
    }
  }

  // ---------------------------------------------------------------- proof-of-work
  var solved = hcaptcha;
  var waiting = null;
  var canHash = !!(window.crypto && window.crypto.subtle && window.TextEncoder);
  var token = challenge ? challenge.value : "";
  var bits = parseInt(token.split(".")[3], 10);
  if (!hcaptcha && !(canHash && answer && bits >= 0 && bits <= 32)) solved = true;

  function zeroBits(buf) {
    var bytes = new Uint8Array(buf), n = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { n += 8; continue; }
      var b = bytes[i];
      while ((b & 0x80) === 0) { n++; b <<= 1; }
      return n;
    }
    return n;
  }

  // Hash a batch of candidates at once: WebCrypto is asynchronous, so batches
  // keep it busy without freezing the page.
  function search(start) {
    var encoder = new TextEncoder();
    var batch = [];
    for (var i = 0; i < 512; i++) {
      batch.push(crypto.subtle.digest("SHA-256", encoder.encode(token + ":" + (start + i))));
    }
    Promise.all(batch).then(function (hashes) {
      for (var i = 0; i < hashes.length; i++) {
        if (zeroBits(hashes[i]) >= bits) {
          answer.value = String(start + i);
          solved = true;
          if (waiting) waiting();
          return;
        }
      }
      setTimeout(function () { search(start + 512); }, 0);
    }, function () {
      // WebCrypto refused: sign without proof-of-work.
      solved = true;
      if (waiting) waiting();
    });
  }

  // ---------------------------------------------------------------- sending
  // One press, one signature: a second press while the first is on its way
  // would send the form twice. Returning to the page (back-forward cache),
  // or ten seconds without an answer, frees it.
  var sentAt = 0;
  function send() {
    waiting = null;
    sentAt = Date.now();
    // Sent without an answer although the script ran: the server tells
    // this signer their phone was too slow, not that JavaScript is off.
    if (!solved) hidden("pow_state").value = "unfinished";
    pad();
    form.submit();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (waiting || Date.now() - sentAt < 10000) return;
    busy(true);
    if (solved) { send(); return; }
    say(status ? status.getAttribute("data-working") : "");
    waiting = send;
    setTimeout(function () { if (waiting) send(); }, GRACE_MS);
  });

  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    sentAt = 0;
    waiting = null;
    busy(false);
    say("");
  });

  if (!solved) search(0);
})();
