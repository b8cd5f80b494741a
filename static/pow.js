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

  form.addEventListener("submit", function (event) {
    if (done || form.dataset.powSent) return;
    event.preventDefault();
    form.dataset.powSent = "1";
    var status = form.querySelector(".pow-status");
    if (status) status.hidden = false;
    var send = function () { waiting = null; form.submit(); };
    waiting = send;
    setTimeout(function () { if (waiting) send(); }, 8000);
  });

  search(0);
})();
