// undersign's signing script. Without it (JavaScript off) the form still
// signs: the server then seals the signature as it arrives, and counts it
// under its no-JavaScript budget. With it, the page:
//   - seals the signature in the browser when it can (a secure context with
//     WebCrypto, and organizers' keys that are all age1… keys): it checks the
//     form with the server's own rules, builds the same padded signer JSON,
//     seals it with the age library (static/age.js, loaded on first use) and
//     sends only that age file, so the server never sees the names. When it
//     cannot (no age library, sealing failed, or the server refuses the sealed
//     body), the form goes as it is and the server seals it, as without
//     JavaScript. Once a sealed body may have left, the names never follow it:
//     a lost answer keeps the form, says so, and the next press sends the
//     same sealed body, which one-form-one-signature answers at most once;
//   - solves the form's proof-of-work challenge with the browser's own
//     SHA-256 while the signer types (not when hCaptcha is on: then the
//     puzzle is the check);
//   - sends each form once: a second press while the first is on its way is
//     ignored, the button says it is busy, and a status line (a live region
//     screen readers announce) says what is happening;
//   - pads every request to one length, so over TLS the body's size no
//     longer follows the names and their script.
// It never blocks signing: a few seconds after "Sign" is pressed the form
// goes, with or without an answer.
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
  // (9 bytes once %-encoded), and a sealed signature to 20 keys, stay below this.
  var PADDED_BODY = 8192;
  // The signer's part of a record: exactly this many bytes (record::PADDED_LEN).
  var SIGNER_LEN = 3072;

  function hidden(name, into) {
    var f = into || form;
    var input = f.querySelector("input[name=" + name + "]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      f.appendChild(input);
    }
    return input;
  }

  // A "pad" field (which the server ignores) takes up the rest of the body.
  function padTo(length) {
    var size = PADDED_BODY;
    while (size < length) size += 4096;
    return new Array(size - length + 1).join("x");
  }

  function pad() {
    var filler = hidden("pad");
    filler.value = "";
    // The same encoding the browser uses to send the form.
    var length = new URLSearchParams(new FormData(form)).toString().length;
    filler.value = padTo(length);
  }

  function say(text) {
    if (status) status.textContent = text || "";
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
  var bits = 0;
  var round = 0;

  function ready() {
    solved = true;
    if (waiting) {
      var then = waiting;
      waiting = null;
      then();
    }
  }

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
  // keep it busy without freezing the page. A new challenge starts a new round.
  function search(token, start, mine) {
    if (mine !== round) return;
    var encoder = new TextEncoder();
    var batch = [];
    for (var i = 0; i < 512; i++) {
      batch.push(crypto.subtle.digest("SHA-256", encoder.encode(token + ":" + (start + i))));
    }
    Promise.all(batch).then(function (hashes) {
      if (mine !== round) return;
      for (var i = 0; i < hashes.length; i++) {
        if (zeroBits(hashes[i]) >= bits) {
          answer.value = String(start + i);
          ready();
          return;
        }
      }
      setTimeout(function () { search(token, start + 512, mine); }, 0);
    }, ready); // WebCrypto refused: sign without proof-of-work.
  }

  function solve() {
    round += 1;
    if (hcaptcha) return;
    var token = challenge ? challenge.value : "";
    bits = parseInt(token.split(".")[3], 10);
    solved = !(canHash && answer && bits >= 0 && bits <= 32);
    if (answer) answer.value = "";
    if (!solved) search(token, 0, round);
  }

  // Calls `then` once the answer is in, or after the grace period.
  function whenReady(then) {
    if (solved) { then(); return; }
    say(status ? status.getAttribute("data-working") : "");
    waiting = then;
    setTimeout(function () {
      if (waiting === then) { waiting = null; then(); }
    }, GRACE_MS);
  }

  // ---------------------------------------------------------------- the server's rules
  var texts = null;
  try {
    texts = JSON.parse(document.getElementById("sign-texts").textContent);
  } catch (e) { texts = null; }
  var slug = form.getAttribute("data-petition") || "";
  var required = (form.getAttribute("data-required") || "").split(" ");
  // Rust's char::is_whitespace (Unicode White_Space): what `str::trim` removes.
  var SPACE = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var TRIM = new RegExp("^[" + SPACE + "]+|[" + SPACE + "]+$", "g");
  var HAS_SPACE = new RegExp("[" + SPACE + "]");
  // Control characters (Cc) and bidirectional overrides and isolates.
  var CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
  var FIELDS = ["first_name", "last_name", "affiliation", "email"];

  function looksLikeEmail(v) {
    var at = v.lastIndexOf("@");
    if (at < 1) return false;
    var domain = v.slice(at + 1);
    return v.slice(0, at).indexOf("@") < 0 && domain.indexOf(".") >= 0 &&
      domain.charAt(0) !== "." && domain.charAt(domain.length - 1) !== "." &&
      domain.indexOf("..") < 0 && !HAS_SPACE.test(v);
  }

  // The values as the server would store them, and every problem, in the
  // order its summary lists them (record::Signature::parse).
  function check() {
    var values = {}, problems = [];
    FIELDS.forEach(function (name) {
      var raw = form.elements[name].value.replace(TRIM, "");
      var t = texts.fields[name];
      if (CONTROL.test(raw)) { problems.push([name, t.control]); values[name] = ""; return; }
      var value = raw.normalize("NFC");
      var n = Array.from(value).length;
      if (n === 0 && required.indexOf(name) >= 0) problems.push([name, t.missing]);
      else if (n > t.max) problems.push([name, t.too_long]);
      else if (name === "email" && n > 0 && !looksLikeEmail(value)) problems.push([name, t.not_email]);
      values[name] = value;
    });
    var nameProblem = problems.some(function (p) { return p[0] === "first_name" || p[0] === "last_name"; });
    if (required.indexOf("name") >= 0 && !nameProblem && !values.first_name && !values.last_name) {
      problems.push(["first_name", texts.no_name]);
    }
    if (!form.elements.consent.checked) problems.push(["consent", texts.no_consent]);
    return { values: values, problems: problems };
  }

  // The server's error summary and field errors, drawn by the page.
  function clearProblems() {
    ["errors", "notice"].forEach(function (id) {
      var old = document.getElementById(id);
      if (old) old.parentNode.removeChild(old);
    });
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (p) {
      var input = p.parentNode.querySelector("input");
      if (input) {
        input.removeAttribute("aria-invalid");
        var rest = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && id !== p.id; });
        if (rest.length) input.setAttribute("aria-describedby", rest.join(" "));
        else input.removeAttribute("aria-describedby");
      }
      p.parentNode.classList.remove("invalid");
      p.parentNode.removeChild(p);
    });
  }

  function showProblems(problems) {
    clearProblems();
    var summary = document.createElement("div");
    summary.className = "error-summary";
    summary.id = "errors";
    summary.setAttribute("role", "alert");
    summary.setAttribute("tabindex", "-1");
    var h = document.createElement("h3");
    h.textContent = texts.headings[Math.min(problems.length, texts.headings.length) - 1];
    var list = document.createElement("ul");
    problems.forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#" + p[0];
      a.textContent = p[1];
      li.appendChild(a);
      list.appendChild(li);
      var input = document.getElementById(p[0]);
      if (!input || document.getElementById(p[0] + "-error")) return;
      var note = document.createElement("p");
      note.className = "field-error";
      note.id = p[0] + "-error";
      note.textContent = p[1];
      var box = input.parentNode;
      box.classList.add("invalid");
      var label = box.querySelector("label");
      if (label && label.nextSibling && box.classList.contains("field")) box.insertBefore(note, label.nextSibling);
      else box.insertBefore(note, box.firstChild);
      input.setAttribute("aria-invalid", "true");
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      input.setAttribute("aria-describedby", [note.id].concat(described).join(" "));
    });
    summary.appendChild(h);
    summary.appendChild(list);
    form.parentNode.insertBefore(summary, form);
    summary.focus();
  }

  // ---------------------------------------------------------------- sealing in the browser
  var sealKeys = (form.getAttribute("data-seal") || "").split(" ").filter(Boolean);
  var canSeal = sealKeys.length > 0 && texts !== null && window.isSecureContext === true &&
    !!(window.crypto && window.crypto.subtle && window.crypto.getRandomValues) &&
    typeof fetch === "function" && typeof DOMParser === "function" &&
    typeof TextEncoder === "function" && typeof String.prototype.normalize === "function";

  var ageLoading = null;
  function loadAge() {
    if (!ageLoading) {
      ageLoading = new Promise(function (resolve, reject) {
        if (window.undersignAge) { resolve(window.undersignAge); return; }
        var script = document.createElement("script");
        script.src = "/static/age.js";
        script.onload = function () {
          if (window.undersignAge) resolve(window.undersignAge);
          else reject(new Error("the age library did not load"));
        };
        script.onerror = function () { reject(new Error("the age library did not load")); };
        document.head.appendChild(script);
      });
      // A failed load is tried again at the next press.
      ageLoading.catch(function () { ageLoading = null; });
    }
    return ageLoading;
  }
  if (canSeal) {
    // Loaded when the signer starts filling the form, not with the page.
    var early = function () { form.removeEventListener("focusin", early); loadAge().catch(function () {}); };
    form.addEventListener("focusin", early);
  }

  // The signer's part, as record::Signature::to_signer_json builds it:
  // one JSON object, padded with spaces to exactly SIGNER_LEN bytes.
  function signerJson(values) {
    var json = JSON.stringify({
      v: 2,
      petition: slug,
      first_name: values.first_name,
      last_name: values.last_name,
      affiliation: values.affiliation,
      email: values.email,
      public: form.elements["public"].checked,
      pad: "",
    });
    var bytes = new TextEncoder().encode(json);
    if (bytes.length > SIGNER_LEN) throw new Error("too long to seal");
    bytes.fill(0);
    // `"pad":""}` becomes `"pad":"<spaces>"}`.
    var padded = new TextEncoder().encode(json.slice(0, -2) + new Array(SIGNER_LEN - bytes.length + 1).join(" ") + "\"}");
    if (padded.length !== SIGNER_LEN) throw new Error("padding failed");
    return padded;
  }

  function urlSafeBase64(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i += 0x8000) {
      s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // Only these go with a sealed signature; the names stay in this page.
  function sealedBody(sealed) {
    var body = new URLSearchParams();
    body.append("sealed", sealed);
    ["lang", "challenge", "pow", "website"].forEach(function (name) {
      var input = form.querySelector("[name=" + name + "]");
      body.append(name, input ? input.value : "");
    });
    if (!solved) body.append("pow_state", "unfinished");
    var captcha = form.querySelector("[name=h-captcha-response]");
    if (captcha) body.append("h-captcha-response", captcha.value);
    body.append("consent", "yes");
    body.append("pad", "");
    var length = body.toString().length;
    body.set("pad", padTo(length));
    return body.toString();
  }

  // The answer replaces this page (the receipt, or a message), or, when the
  // signature was not kept now, its notice comes into this page, above the
  // form that still holds everything typed, with a fresh challenge.
  function answered(doc) {
    var again = doc.querySelector("form[data-pow] input[name=challenge]");
    var notice = doc.getElementById("notice") || doc.getElementById("errors");
    if (again && notice) {
      clearProblems();
      var shown = document.importNode(notice, true);
      form.parentNode.insertBefore(shown, form);
      challenge.value = again.value;
      sentAt = 0;
      say("");
      busy(false);
      solve();
      shown.focus();
      return;
    }
    document.documentElement.lang = doc.documentElement.lang;
    document.documentElement.dir = doc.documentElement.dir;
    document.title = doc.title;
    document.body.replaceWith(document.importNode(doc.body, true));
    window.scrollTo(0, 0);
    var h1 = document.querySelector("h1");
    if (h1) { h1.setAttribute("tabindex", "-1"); h1.focus(); }
  }

  // Statuses the server answers a sealed body with; anything else (a proxy's
  // error page) says nothing about whether the signature arrived.
  var ANSWERS = [200, 400, 403, 409, 410, 413, 415, 422, 429, 500, 503];

  // A sealed body sent without an answer coming back: it may be stored. The
  // next press sends it again as it is (same form, so never a second
  // signature), or, if the signer changed a field, a new seal of the same form.
  var unanswered = null;

  function sealAndSend(values) {
    var key = JSON.stringify([values, form.elements["public"].checked, challenge.value]);
    if (unanswered && unanswered.key === key) {
      say("");
      send(unanswered.body, key);
      return;
    }
    say(texts.sealing);
    var plain = null;
    loadAge().then(function (age) {
      plain = signerJson(values);
      return age.seal(sealKeys, plain);
    }).then(function (sealed) {
      plain.fill(0);
      return sealedBody(urlSafeBase64(sealed));
    }).then(function (body) {
      send(body, key);
    }, function () {
      // Nothing left this page: the server seals the form instead.
      if (plain) plain.fill(0);
      sendPlain();
    });
  }

  function send(body, key) {
    sentAt = Date.now();
    fetch("/sign", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "text/html" },
      body: body,
      credentials: "omit",
      cache: "no-store",
      redirect: "error",
      referrerPolicy: "no-referrer",
    }).then(function (response) {
      return response.text().then(function (html) {
        return { status: response.status, doc: new DOMParser().parseFromString(html, "text/html") };
      });
    }).then(function (r) {
      var ours = r.doc.getElementById("main") !== null && ANSWERS.indexOf(r.status) >= 0 &&
        (r.status !== 200 || r.doc.getElementById("receipt-code") !== null);
      if (!ours) { lost(body, key); return; }
      unanswered = null;
      // A sealed signature the server cannot take (a message, not the form
      // back): nothing was stored, and the server seals the form instead.
      if (r.status === 422 && !r.doc.querySelector("form[data-pow]")) { sendPlain(); return; }
      answered(r.doc);
    }, function () { lost(body, key); });
  }

  // The request may have reached the server: the names stay here.
  function lost(body, key) {
    unanswered = { key: key, body: body };
    sentAt = 0;
    busy(false);
    say(texts.dropped);
  }

  // ---------------------------------------------------------------- sending
  // One press, one signature: a second press while the first is on its way
  // would send the form twice. Returning to the page (back-forward cache),
  // or ten seconds without an answer, frees it.
  var sentAt = 0;
  function sendPlain() {
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
    if (canSeal) {
      var checked = check();
      // The server's own summary, drawn here: a form with a problem is never
      // sent, so the server never sees it either.
      if (checked.problems.length) { showProblems(checked.problems); return; }
      busy(true);
      sentAt = Date.now();
      whenReady(function () { sealAndSend(checked.values); });
      return;
    }
    busy(true);
    sentAt = Date.now();
    whenReady(sendPlain);
  });

  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    sentAt = 0;
    waiting = null;
    busy(false);
    say("");
  });

  solve();
})();
