// undersign proof-of-work: solves the form's challenge with the browser's own
// SHA-256 (WebCrypto) while the signer types. Nothing leaves the page but the
// answer, in the hidden "pow" field. Without this script (or without
// WebCrypto) the form still signs; the server then counts it under its
// no-JavaScript budget. It never blocks submitting: if the answer is not ready
// a few seconds after "Sign" is pressed, the form goes without it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-pow]");
  if (!form || !window.crypto || !window.crypto.subtle || !window.TextEncoder) return;
  var challenge = form.querySelector("input[name=challenge]");
  var answer = form.querySelector("input[name=pow]");
  if (!challenge || !answer) return;
  var token = challenge.value;
  var bits = parseInt(token.split(".")[3], 10);
  if (!(bits >= 0 && bits <= 32)) return;
  var encoder = new TextEncoder();
  var done = false;
  var waiting = null;

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
    var batch = [];
    for (var i = 0; i < 512; i++) {
      batch.push(crypto.subtle.digest("SHA-256", encoder.encode(token + ":" + (start + i))));
    }
    Promise.all(batch).then(function (hashes) {
      for (var i = 0; i < hashes.length; i++) {
        if (zeroBits(hashes[i]) >= bits) {
          answer.value = String(start + i);
          done = true;
          if (waiting) waiting();
          return;
        }
      }
      setTimeout(function () { search(start + 512); }, 0);
    }, function () { /* WebCrypto refused: sign without proof-of-work */ });
  }

  // One press, one signature: a second press while the first is on its way
  // would send the form twice and leave a signature whose receipt the signer
  // never saw, so presses soon after a send are ignored. Returning to the
  // page (back-forward cache), or ten seconds without an answer, frees it.
  var status = form.querySelector(".pow-status");
  var sentAt = 0;
  function send() { waiting = null; sentAt = Date.now(); pad(); form.submit(); }

  // Over TLS the length of a request still shows. Every body this script
  // sends has the same length, whatever the names and their script: a
  // hidden "pad" field takes up the rest (the server ignores it). The
  // largest form the fields' limits allow, in three-byte characters
  // (9 bytes once %-encoded), stays below PADDED_BODY.
  var PADDED_BODY = 8192;
  function pad() {
    var filler = form.querySelector("input[name=pad]");
    if (!filler) {
      filler = document.createElement("input");
      filler.type = "hidden";
      filler.name = "pad";
      form.appendChild(filler);
    }
    filler.value = "";
    // The same encoding the browser uses to send the form.
    var length = new URLSearchParams(new FormData(form)).toString().length;
    if (length < PADDED_BODY) filler.value = new Array(PADDED_BODY - length + 1).join("x");
  }

  form.addEventListener("submit", function (event) {
    if (waiting || Date.now() - sentAt < 10000) { event.preventDefault(); return; }
    if (done) { sentAt = Date.now(); pad(); return; }
    event.preventDefault();
    if (status) status.hidden = false;
    waiting = send;
    setTimeout(function () { if (waiting) send(); }, 8000);
  });

  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    sentAt = 0;
    waiting = null;
    if (status) status.hidden = true;
  });

  search(0);
})();
