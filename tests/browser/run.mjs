// Real-browser tests for undersign, in Debian's headless Chromium.
//
// Starts the debug build of `undersign serve` twice (an open petition and a
// closed one) on loopback ports, then proves in a real browser, in every
// language the server offers:
//   - axe-core finds no WCAG 2.x A/AA violation on the petition, error,
//     receipt, withdrawal, receipt-check (and its error), about,
//     accessibility and closed pages;
//   - no page scrolls sideways at 320 px wide, at 200% zoom (640 px), or
//     with WCAG 1.4.12's wider text spacing;
//   - screenshots at 360×800 and 1280×800 land in tests/browser/artifacts/.
// And once:
//   - a signer gets a receipt with JavaScript on (proof-of-work) and off, and
//     the decrypted export records "pow" and "none" for them; pressing Sign
//     twice before the proof-of-work is solved still sends it once, with it;
//   - a browser that can seal sends only the sealed signature; when the age
//     library does not load, the form goes as it is; when a sealed body's
//     answer is lost, the names never follow it, the page says so, and the
//     next press sends the same sealed body (one signature, never two);
//   - every JavaScript POST /sign body is 8192 bytes, sealed or not, for
//     short and long names;
//   - the Arabic page mirrors; Tab reaches every control in order with a
//     visible focus ring; keys alone can sign; the error summary takes focus;
//   - the offline report and public list that `decrypt` writes open from
//     disk with no request and no script, draw the chart, fit 360 px and
//     pass axe.
//
// Usage: node tests/browser/run.mjs   (from anywhere; run `npm ci` in tests/browser first)
// Prints one line per check and closes with `N passed, M failed`; exits 1 on any failure.

import { spawn, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const BIN = path.join(ROOT, "target", "debug", "undersign");
const ARTIFACTS = path.join(HERE, "artifacts");
const AXE = require.resolve("axe-core/axe.min.js");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const LAUNCH = {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
  ],
};
// WCAG 1.4.12's text-spacing overrides, as a reader's style sheet would set them.
const TEXT_SPACING = `* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-block-end: 2em !important; }`;
// Small proof-of-work so the JavaScript path answers in milliseconds; the
// ceiling too, because the test's many signing attempts would otherwise raise it.
// Generous per-address budgets: every request here comes from 127.0.0.1.
const TEST_LIMITS = `
[limits]
pow_bits = 12
pow_max_bits = 12
min_fill_seconds = 0
per_address_burst = 1000
per_address_per_hour = 10000
no_js_per_network_burst = 1000
no_js_per_network_per_hour = 10000
no_js_burst = 1000
no_js_per_hour = 10000
code_attempts_burst = 1000
code_attempts_per_hour = 10000
`;

// ---------------------------------------------------------------- results

let passed = 0;
let failed = 0;

// Runs one check; its line goes to `log` when given, else straight out.
async function check(name, fn, log = null) {
  const started = Date.now();
  let line;
  try {
    await fn();
    passed++;
    line = `ok   ${name} (${Date.now() - started} ms)`;
  } catch (e) {
    failed++;
    const text = String((e && e.message) || e).trim();
    line = `FAIL ${name}\n     ${text.split("\n").join("\n     ")}`;
  }
  if (log) log.push(line);
  else console.log(line);
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// ---------------------------------------------------------------- servers

const children = new Set();

function killAll() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  children.clear();
}
process.on("exit", killAll);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}

// The debug binary, rebuilt when a source it compiles in is newer.
function ensureBinary() {
  const newest = (dir) => {
    let t = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      t = Math.max(t, entry.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }
    return t;
  };
  const built = fs.existsSync(BIN) ? fs.statSync(BIN).mtimeMs : 0;
  const sources = Math.max(
    ...["src", "templates", "static"].map((d) => newest(path.join(ROOT, d))),
    ...["Cargo.toml", "Cargo.lock"].map((f) => fs.statSync(path.join(ROOT, f)).mtimeMs),
  );
  if (built < sources) {
    console.log(built ? "# sources changed: cargo build" : "# no debug binary: cargo build");
    try {
      execFileSync("cargo", ["build", "--locked"], { cwd: ROOT, stdio: "inherit" });
    } catch {
      throw new Error("cargo build failed");
    }
  }
}

function run(args) {
  return execFileSync(BIN, args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

// Starts `undersign serve` and resolves with its base URL once it prints it.
function serve(config, data, recipients) {
  const child = spawn(BIN, ["serve", "--config", config, "--listen", "127.0.0.1:0", "--data", data, "--recipients", recipients], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let output = "";
  child.stderr.on("data", (d) => (output += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${output}`)), 30_000);
    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      output += line + "\n";
      const m = line.match(/listening on (http:\/\/[0-9.]+:[0-9]+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], child, output: () => output });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${output}`));
    });
  });
}

// SIGTERM, then wait: the server flushes and releases its data folder.
function stop(server) {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    const timer = setTimeout(() => server.child.kill("SIGKILL"), 15_000);
    server.child.on("exit", () => {
      clearTimeout(timer);
      children.delete(server.child);
      resolve();
    });
    server.child.kill("SIGTERM");
  });
}

// The receipts' sizes (one per language and sealing path): they never follow the names.
async function assertOneReceiptSize(answers, path) {
  const sizes = await Promise.all(answers);
  console.log(`#   ${path}-sealed receipts in English: ${sizes.join(", ")} bytes`);
  assert(sizes.length === 2 && sizes[0] > 0 && sizes[0] === sizes[1], `receipt sizes ${sizes.join(", ")}, expected one size`);
}

// ---------------------------------------------------------------- page helpers

async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${(n.failureSummary || "").replace(/\s+/g, " ")}`),
    }));
  }, AXE_TAGS);
}

function describeViolations(violations) {
  return violations
    .map((v) => `${v.id}: ${v.help}\n${v.nodes.slice(0, 5).map((n) => `  - ${n}`).join("\n")}`)
    .join("\n");
}

// Horizontal overflow of the page in CSS pixels (0 when it reflows).
function sidewaysScroll(page) {
  return page.evaluate(() => {
    const s = document.scrollingElement;
    return s.scrollWidth - s.clientWidth;
  });
}

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// The checks every page gets, in one language: no sideways scrolling at
// 320 px and at 200% zoom (a 1280 px window shows 640 CSS px), axe at phone
// and desktop widths, and the two screenshots.
async function pageChecks(page, lang, name, { shots }) {
  const problems = [];
  for (const [width, height, what] of [
    [320, 640, "320 px wide"],
    [640, 400, "200% zoom"],
  ]) {
    await page.setViewportSize({ width, height });
    const over = await sidewaysScroll(page);
    if (over > 1) problems.push(`scrolls sideways by ${over} px at ${what}`);
  }
  // WCAG 1.4.12: the reader's own text spacing loses nothing, even at 320 px.
  await page.setViewportSize({ width: 320, height: 640 });
  const spacing = await page.addStyleTag({ content: TEXT_SPACING });
  const over = await sidewaysScroll(page);
  if (over > 1) problems.push(`scrolls sideways by ${over} px at 320 px with wider text spacing`);
  await spacing.evaluate((s) => s.remove());
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    const violations = await axeViolations(page);
    if (violations.length) problems.push(`axe at ${width} px:\n${describeViolations(violations)}`);
    if (shots) await screenshot(page, `${lang}-${name}-${width}`);
  }
  assert(problems.length === 0, `${name} in ${lang}:\n${problems.join("\n")}`);
}

async function fillSigner(page, who) {
  await page.fill("#first_name", who.first);
  await page.fill("#last_name", who.last);
  await page.fill("#affiliation", who.org || "");
  await page.fill("#email", who.email);
  await page.check("#consent");
}

const isSign = (r) => r.url().endsWith("/sign") && r.request().method() === "POST";
const isSignPost = (r) => r.method() === "POST" && r.url().endsWith("/sign");
// What a network observer sees of a JavaScript signer's form: every body
// exactly 8192 bytes, sealed in the browser (`sealed`) or not.
const PADDED_BODY = 8192;
function assertPadded(bodies, count, { sealed }) {
  assert(bodies.length === count, `${bodies.length} POST /sign bodies, expected ${count}`);
  const sizes = bodies.map((b) => (b ? b.length : 0));
  assert(sizes.every((n) => n === PADDED_BODY), `body sizes ${sizes.join(", ")}, expected ${PADDED_BODY} each`);
  const kinds = bodies.map((b) => String(b).startsWith("sealed="));
  assert(kinds.every((k) => k === sealed), `expected ${sealed ? "sealed" : "plain"} bodies, got ${kinds.map((k) => (k ? "sealed" : "plain")).join(", ")}`);
}

// Presses "Sign" (by `action`) and waits for the answer; returns the HTTP
// status. A form posted as it is navigates to /sign; a signature sealed in
// the browser is answered in place (the page's body replaced by the receipt,
// or a notice put above the form).
async function submit(page, action) {
  await page.evaluate(() => {
    window.__bodyBefore = document.body;
  });
  const [response] = await Promise.all([page.waitForResponse(isSign, { timeout: 30_000 }), action()]);
  if (response.request().isNavigationRequest()) {
    await page.waitForURL((u) => u.pathname === "/sign", { waitUntil: "load", timeout: 20_000 });
  } else {
    await page.waitForFunction(() => document.body !== window.__bodyBefore || document.getElementById("notice"), null, {
      timeout: 20_000,
    });
  }
  return response.status();
}

// Presses "Sign" on a form with a problem: the page's own summary answers,
// and no request leaves the page.
async function refusedHere(page, action) {
  let posts = 0;
  const count = (r) => isSign(r) && posts++;
  page.on("request", count);
  await action();
  await page.waitForSelector("#errors", { state: "attached", timeout: 10_000 });
  await page.waitForTimeout(300);
  page.off("request", count);
  assert(posts === 0, `${posts} POST /sign for a form with problems`);
}

// Every page a signer meets, in one language, each with `pageChecks`.
async function everyPage(page, lang, openUrl, closedUrl, log) {
  const q = `?lang=${encodeURIComponent(lang)}`;
  await check(`[${lang}] petition page`, async () => {
    const r = await page.goto(`${openUrl}/${q}`);
    assert(r.status() === 200, `status ${r.status()}`);
    await pageChecks(page, lang, "petition", { shots: true });
  }, log);
  await check(`[${lang}] error page (empty form, as the server re-renders it)`, async () => {
    await page.goto(`${openUrl}/${q}`);
    // `submit()`, not a press: the script would answer itself (see below).
    const status = await submit(page, () =>
      page.evaluate(() => {
        document.querySelector("form[action='/sign']").submit();
      }),
    );
    assert(status === 422, `status ${status}, expected 422`);
    assert(await page.locator(".error-summary a[href='#first_name']").count(), "no error summary link to #first_name");
    await pageChecks(page, lang, "error", { shots: true });
  }, log);
  await check(`[${lang}] receipt page`, async () => {
    await page.goto(`${openUrl}/${q}`);
    await fillSigner(page, { first: "Ana", last: "Silva", org: "", email: `receipt-${lang}@example.org` });
    const status = await submit(page, () => page.click("form[action='/sign'] button[type=submit]"));
    assert(status === 200, `status ${status}`);
    assert(await page.locator("#receipt-code").count(), "no #receipt-code");
    await pageChecks(page, lang, "receipt", { shots: true });
  }, log);
  await check(`[${lang}] receipt-code error page (a mistyped code)`, async () => {
    await page.goto(`${openUrl}/receipt${q}`);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith("/receipt") && r.request().method() === "POST"),
      page.waitForURL((u) => u.pathname === "/receipt" && !u.search, { waitUntil: "load" }),
      (async () => {
        await page.fill("#code", "not-a-code");
        await page.click("main form button[type=submit]");
      })(),
    ]);
    assert(response.status() === 422, `status ${response.status()}, expected 422`);
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    assert(focused === "errors", `the error does not take focus (${focused || "nothing"} has it)`);
    await pageChecks(page, lang, "code-error", { shots: true });
  }, log);
  for (const [name, url] of [
    ["withdraw", `${openUrl}/withdraw${q}`],
    ["check", `${openUrl}/receipt${q}`],
    ["about", `${openUrl}/about${q}`],
    ["accessibility", `${openUrl}/accessibility${q}`],
    ["closed", `${closedUrl}/${q}`],
  ]) {
    await check(`[${lang}] ${name} page`, async () => {
      const r = await page.goto(url);
      assert(r.status() === 200, `status ${r.status()}`);
      if (name === "closed") assert(!(await page.locator("form[action='/sign']").count()), "a closed petition shows the form");
      await pageChecks(page, lang, name, { shots: true });
    }, log);
  }
}

// ---------------------------------------------------------------- the run

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const old of fs.readdirSync(ARTIFACTS)) fs.rmSync(path.join(ARTIFACTS, old), { force: true, recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "undersign-browser-"));
  let browser;
  try {
    ensureBinary();
    const key = path.join(tmp, "organizer.key");
    const recipient = run(["keygen", "-o", key]).trim().split("\n").pop().trim();
    assert(recipient.startsWith("age1"), `keygen printed no recipient: ${recipient}`);
    const recipients = path.join(tmp, "recipients.txt");
    fs.writeFileSync(recipients, recipient + "\n");
    // The shipped example, with the test's own [limits] in place of any it has.
    const example = fs
      .readFileSync(path.join(ROOT, "examples", "petition.toml"), "utf8")
      .replace(/^\[limits\][^]*?(?=^\[|(?![^]))/m, "");
    const openConfig = path.join(tmp, "open.toml");
    fs.writeFileSync(openConfig, example + "\n" + TEST_LIMITS);
    const closedConfig = path.join(tmp, "closed.toml");
    assert(/^closes = .*$/m.test(example), "examples/petition.toml has no closes line");
    fs.writeFileSync(closedConfig, example.replace(/^closes = .*$/m, "closes = 2020-01-01") + "\n" + TEST_LIMITS);
    const data = path.join(tmp, "data");
    const open = await serve(openConfig, data, recipients);
    const closed = await serve(closedConfig, path.join(tmp, "data-closed"), recipients);
    console.log(`# open petition ${open.url}, closed petition ${closed.url}`);

    browser = await chromium.launch(LAUNCH);
    console.log(`# ${CHROMIUM} ${browser.version()}, axe-core ${require("axe-core/package.json").version}`);

    // Languages as a visitor sees them: the switcher on the petition page.
    const probe = await browser.newPage();
    await probe.goto(`${open.url}/`);
    const langs = await probe.$$eval(".langs li > [lang]", (els) => els.map((e) => e.getAttribute("lang")));
    await probe.close();
    console.log(`# languages offered: ${langs.join(" ")}`);

    await check("the language switcher offers every translation in i18n/", async () => {
      const shipped = fs.readdirSync(path.join(ROOT, "i18n")).filter((d) => fs.existsSync(path.join(ROOT, "i18n", d, "undersign.ftl")));
      const missing = shipped.filter((l) => !langs.includes(l));
      assert(langs.length > 0, "no language links on /");
      assert(missing.length === 0, `not offered: ${missing.join(", ")}`);
    });

    // Every page, every language: axe runs need their script let in past the
    // page's CSP (script-src 'self'); the signing checks below run under it.
    const axeContext = await browser.newContext({ bypassCSP: true, viewport: { width: 360, height: 800 } });
    // Two languages at a time: most of the time is spent waiting on the
    // browser, and each language's lines are printed together when it ends.
    const queue = [...langs];
    const worker = async () => {
      const page = await axeContext.newPage();
      for (let lang = queue.shift(); lang; lang = queue.shift()) {
        const log = [];
        await everyPage(page, lang, open.url, closed.url, log);
        console.log(log.join("\n"));
      }
      await page.close();
    };
    await Promise.all(Array.from({ length: Number(process.env.BROWSER_WORKERS || 2) }, worker));
    await axeContext.close();

    // Signing as a signer would, with the page's CSP in force.
    const signers = {
      js: { first: "Jun", last: "Script", org: "Browser Test", email: "js-on@example.org" },
      nojs: { first: "Noa", last: "Plain", org: "", email: "js-off@example.org" },
      early: { first: "Dee", last: "Early", org: "", email: "early@example.org" },
      short: { first: "Al", last: "Li", org: "", email: "a@b.io" },
      nosubtle: { first: "No", last: "Subtle", org: "", email: "no-subtle@example.org" },
      nobundle: { first: "No", last: "Bundle", org: "", email: "no-bundle@example.org" },
      lostBefore: { first: "Xylolost", last: "掉线测试", org: "Lost Org", email: "lost-before@example.org" },
      lostAfter: { first: "Xylostored", last: "已存测试", org: "Stored Org", email: "lost-after@example.org" },
      long: {
        first: "陈".repeat(100),
        last: "😀".repeat(50),
        org: "組織".repeat(100),
        email: `${"x".repeat(60)}@${"example".repeat(20)}.org`,
      },
    };
    await check("a signer with JavaScript on signs and gets a receipt (proof-of-work)", async () => {
      const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
      const p = await context.newPage();
      const errors = [];
      p.on("pageerror", (e) => errors.push(String(e)));
      p.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      await p.goto(`${open.url}/?lang=en`);
      await fillSigner(p, signers.js);
      // The script solves the challenge while the signer types.
      await p.waitForFunction(() => document.querySelector("input[name=pow]").value !== "", null, { timeout: 10_000 });
      const status = await submit(p, () => p.click("form[action='/sign'] button[type=submit]"));
      assert(status === 200, `status ${status}: ${(await p.textContent("main")).slice(0, 300)}`);
      const code = (await p.textContent("#receipt-code")).trim();
      assert(code.length >= 26, `receipt code looks wrong: ${code}`);
      assert(errors.length === 0, `page errors: ${errors.join("; ")}`);
      await context.close();
    });
    // The short and the long signer each sign on a 360 px phone with
    // JavaScript; `receiptSays` names the sealing path the receipt must state,
    // and `onPage` checks each page before it is filled. Returns the bodies
    // the pages sent and the lengths of the answers.
    const signShortAndLong = async (url, receiptSays, onPage = async () => {}) => {
      const bodies = [];
      const answers = [];
      for (const who of [signers.short, signers.long]) {
        const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
        const p = await context.newPage();
        p.on("request", (r) => isSignPost(r) && bodies.push(r.postDataBuffer()));
        p.on("response", (r) => isSign(r) && answers.push(r.body().then((b) => b.length, () => 0)));
        await p.goto(`${url}/?lang=en`);
        await onPage(p);
        await fillSigner(p, who);
        await p.waitForFunction(() => document.querySelector("input[name=pow]").value !== "", null, { timeout: 10_000 });
        const status = await submit(p, () => p.click("form[action='/sign'] button[type=submit]"));
        assert(status === 200, `status ${status}`);
        assert((await p.textContent("main")).includes(receiptSays), `the receipt does not say "${receiptSays}"`);
        await context.close();
      }
      return { bodies, answers };
    };
    await check("browser-sealed: JavaScript signers with short and long names (Latin, CJK, emoji) each send a body of exactly 8192 bytes, and get receipts of one size", async () => {
      const { bodies, answers } = await signShortAndLong(open.url, "this server never saw them");
      assertPadded(bodies, 2, { sealed: true });
      await assertOneReceiptSize(answers, "browser");
    });
    // A name no request may carry, in any of the forms a body or URL could hold it.
    const canary = { first: "Xylocanary", last: "金丝雀测试", org: "Canary Org", email: "canary-seal@example.org" };
    const leaksOf = (who) => (text) =>
      [who.first, who.last, who.org, who.email]
        .flatMap((v) => [v, encodeURIComponent(v), new URLSearchParams({ v }).toString().slice(2), JSON.stringify(v).slice(1, -1)])
        .filter((form) => text.includes(form));
    const leaks = leaksOf(canary);
    await check("a JavaScript signer's browser seals the signature: no request carries the name in any form", async () => {
      const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
      const p = await context.newPage();
      const sent = [];
      p.on("request", (r) => sent.push(`${r.method()} ${r.url()}\n${r.postData() || ""}`));
      await p.goto(`${open.url}/?lang=en`);
      assert(await p.getAttribute("form[action='/sign']", "data-seal"), "the page offers no browser sealing");
      await fillSigner(p, canary);
      await p.check("#public");
      const status = await submit(p, () => p.click("form[action='/sign'] button[type=submit]"));
      assert(status === 200, `status ${status}`);
      assert(await p.locator("#receipt-code").count(), "no receipt");
      assert((await p.textContent("main")).includes("this server never saw them"), "the receipt does not say the browser sealed it");
      const body = sent.find((r) => r.startsWith("POST") && r.includes("/sign"));
      assert(body && body.includes("sealed="), "no sealed body was sent");
      const found = sent.flatMap(leaks);
      assert(found.length === 0, `a request carried the name: ${found.join(", ")}`);
      await context.close();
    });
    await check("with crypto.subtle removed before the page loads, the form posts as it is and the server seals it", async () => {
      const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
      await context.addInitScript(() => {
        Object.defineProperty(window.crypto, "subtle", { get: () => undefined });
      });
      const p = await context.newPage();
      await p.goto(`${open.url}/?lang=en`);
      const bodies = [];
      p.on("request", (r) => isSignPost(r) && bodies.push(r.postDataBuffer()));
      await fillSigner(p, signers.nosubtle);
      const status = await submit(p, () => p.click("form[action='/sign'] button[type=submit]"));
      assert(status === 200, `status ${status}`);
      assert((await p.textContent("main")).includes("This server locked your details"), "the receipt does not say the server sealed it");
      assertPadded(bodies, 1, { sealed: false });
      await context.close();
    });
    await check("when the age library fails to load, nothing sealed has left: the form posts as it is (8192 bytes) and the server seals it", async () => {
      const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
      let tries = 0;
      await context.route("**/static/age.js", (route) => {
        tries++;
        return route.abort("connectionreset");
      });
      const p = await context.newPage();
      const bodies = [];
      p.on("request", (r) => isSignPost(r) && bodies.push(r.postDataBuffer()));
      await p.goto(`${open.url}/?lang=en`);
      assert(await p.getAttribute("form[action='/sign']", "data-seal"), "the page offers no browser sealing");
      await fillSigner(p, signers.nobundle);
      await p.waitForFunction(() => document.querySelector("input[name=pow]").value !== "", null, { timeout: 10_000 });
      const status = await submit(p, () => p.click("form[action='/sign'] button[type=submit]"));
      assert(tries > 0, "the page never asked for the age library");
      assert(status === 200, `status ${status}`);
      assert((await p.textContent("main")).includes("This server locked your details"), "the receipt does not say the server sealed it");
      assertPadded(bodies, 1, { sealed: false });
      await context.close();
    });
    // The sealed body left, and its answer never came back: it may be stored.
    // Playwright cuts the first POST /sign, before or after the server has it.
    for (const [when, who, want] of [
      ["before it reaches the server", signers.lostBefore, 200],
      ["after the server stored it", signers.lostAfter, 409],
    ]) {
      await check(`a sealed signature whose answer is lost ${when}: no request carries the name, the page says so in its live region and keeps the form, and pressing again sends the same sealed body (${want === 200 ? "a receipt" : "already sent"})`, async () => {
        const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
        const p = await context.newPage();
        const sent = [];
        const bodies = [];
        p.on("request", (r) => {
          sent.push(`${r.method()} ${r.url()}\n${r.postData() || ""}`);
          if (isSignPost(r)) bodies.push(r.postDataBuffer());
        });
        let cut = 0;
        let stored = null;
        await p.route("**/sign", async (route) => {
          if (route.request().method() !== "POST" || cut++) return route.fallback();
          if (want === 409) stored = (await route.fetch()).status();
          return route.abort("connectionreset");
        });
        await p.goto(`${open.url}/?lang=en`);
        await fillSigner(p, who);
        await p.waitForFunction(() => document.querySelector("input[name=pow]").value !== "", null, { timeout: 10_000 });
        const button = "form[action='/sign'] button[type=submit]";
        const dropped = await p.evaluate(() => JSON.parse(document.getElementById("sign-texts").textContent).dropped);
        assert(typeof dropped === "string" && dropped.includes("connection"), `no text for a lost answer: ${dropped}`);
        await p.click(button);
        try {
          await p.waitForFunction((text) => document.getElementById("sign-status")?.textContent === text, dropped, { timeout: 20_000 });
        } catch (e) {
          // The old script's failure: it posted the form, names and all.
          const found = sent.flatMap(leaksOf(who));
          assert(found.length === 0, `after the lost answer a request carried the name: ${found.join(", ")}`);
          throw e;
        }
        assert(cut === 1, `${cut} POST /sign before the message`);
        if (want === 409) assert(stored === 200, `the server answered the cut request with ${stored}, not a receipt`);
        assert((await p.getAttribute("#sign-status", "role")) === "status", "the message is not in a live region");
        assert(await p.isVisible("#sign-status"), "the message is not visible");
        assert((await p.getAttribute(button, "aria-disabled")) === null, "the button stays busy");
        const kept = [await p.inputValue("#first_name"), await p.inputValue("#last_name"), await p.inputValue("#affiliation"), await p.inputValue("#email")];
        assert(JSON.stringify(kept) === JSON.stringify([who.first, who.last, who.org, who.email]), "what was typed is not kept");
        assert(await p.isChecked("#consent"), "consent is not kept");
        await p.waitForTimeout(500);
        assert(bodies.length === 1, `${bodies.length} POST /sign after a lost answer, before a second press`);
        const status = await submit(p, () => p.click(button));
        assert(status === want, `status ${status}, expected ${want}`);
        if (want === 200) assert(await p.locator("#receipt-code").count(), "no receipt");
        else assert((await p.textContent("main")).includes("This form was already sent"), "no already-sent message");
        assertPadded(bodies, 2, { sealed: true });
        assert(bodies[0].equals(bodies[1]), "the second press did not send the same sealed body");
        const found = sent.flatMap(leaksOf(who));
        assert(found.length === 0, `a request carried the name: ${found.join(", ")}`);
        await context.close();
      });
    }
    await check("server-sealed: with an SSH recipient listed, the page does not seal, the server does, and short and long names (Latin, CJK, emoji) each send a body of exactly 8192 bytes, and get receipts of one size", async () => {
      const sshKey = path.join(tmp, "ssh-organizer");
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", sshKey]);
      const mixed = path.join(tmp, "recipients-ssh.txt");
      fs.writeFileSync(mixed, `${recipient}\n${fs.readFileSync(`${sshKey}.pub`, "utf8")}`);
      const ssh = await serve(openConfig, path.join(tmp, "data-ssh"), mixed);
      try {
        const { bodies, answers } = await signShortAndLong(ssh.url, "This server locked your details", async (p) => {
          assert((await p.getAttribute("form[action='/sign']", "data-seal")) === null, "the page offers browser sealing to an SSH key");
        });
        assertPadded(bodies, 2, { sealed: false });
        await assertOneReceiptSize(answers, "server");
      } finally {
        await stop(ssh);
      }
    });
    await check("sealing in the browser on a mid-range phone (Chromium at 4x CPU throttling)", async () => {
      const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
      const p = await context.newPage();
      await p.goto(`${open.url}/?lang=en`);
      const keys = (await p.getAttribute("form[action='/sign']", "data-seal")).split(" ");
      // The bundle loads on the first touch of the form.
      await p.focus("#first_name");
      await p.waitForFunction(() => window.undersignAge, null, { timeout: 10_000 });
      const time = () =>
        p.evaluate(async (keys) => {
          const bytes = new Uint8Array(3072).fill(32);
          const start = performance.now();
          for (let i = 0; i < 5; i++) await window.undersignAge.seal(keys, bytes);
          return (performance.now() - start) / 5;
        }, keys);
      const fast = await time();
      const cdp = await context.newCDPSession(p);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      const slow = await time();
      const size = fs.statSync(path.join(ROOT, "static", "age.js")).size;
      console.log(`#   sealing one signature: ${slow.toFixed(1)} ms at 4x CPU throttling, ${fast.toFixed(1)} ms unthrottled; bundle ${size} bytes`);
      assert(slow < 2000, `sealing took ${slow} ms on a throttled CPU`);
      await context.close();
    });
    await check("Sign pressed before the proof-of-work is solved: a status shows, a second press sends nothing more", async () => {
      const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
      // A slow phone: no hash is done until the test says so.
      await context.addInitScript(() => {
        let open;
        const gate = new Promise((r) => (open = r));
        window.__openPowGate = open;
        const digest = crypto.subtle.digest.bind(crypto.subtle);
        crypto.subtle.digest = (...args) => gate.then(() => digest(...args));
      });
      const p = await context.newPage();
      await p.goto(`${open.url}/?lang=en`);
      await fillSigner(p, signers.early);
      let posts = 0;
      p.on("request", (r) => r.method() === "POST" && r.url().endsWith("/sign") && posts++);
      const button = "form[action='/sign'] button[type=submit]";
      const status = await submit(p, async () => {
        await p.click(button);
        const said = (await p.textContent("#sign-status")).trim();
        assert(said.length > 0 && (await p.isVisible("#sign-status")), "no status message while the answer is awaited");
        assert((await p.getAttribute(button, "aria-disabled")) === "true", "the button does not show it is busy");
        // A second tap, as a signer would make on a busy button (force: the
        // button is aria-disabled, which Playwright would wait out).
        await p.click(button, { force: true });
        await p.waitForTimeout(200);
        await p.evaluate(() => window.__openPowGate());
      });
      await p.waitForTimeout(500);
      assert(posts === 1, `${posts} POST /sign requests for two presses`);
      assert(status === 200 && (await p.locator("#receipt-code").count()), `no receipt (status ${status})`);
      await context.close();
    });
    await check("a signer with JavaScript off signs and gets a receipt", async () => {
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 800 } });
      const p = await context.newPage();
      await p.goto(`${open.url}/?lang=en`);
      await fillSigner(p, signers.nojs);
      const status = await submit(p, () => p.click("form[action='/sign'] button[type=submit]"));
      assert(status === 200, `status ${status}: ${(await p.textContent("main")).slice(0, 300)}`);
      const code = (await p.textContent("#receipt-code")).trim();
      assert(code.length >= 26, `receipt code looks wrong: ${code}`);
      await context.close();
    });

    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const p = await context.newPage();
    if (langs.includes("ar")) {
      for (const js of [true, false]) {
        await check(`the Arabic page, empty form sent with JavaScript ${js ? "on" : "off"}: the server's Arabic summary answers, not the browser's English tooltip`, async () => {
          const context = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 360, height: 800 } });
          const q = await context.newPage();
          await q.goto(`${open.url}/?lang=ar`);
          const press = () => q.click("form[action='/sign'] button[type=submit]");
          if (js) {
            // The page checks before sealing, with the server's rules and texts.
            await refusedHere(q, press);
          } else {
            const status = await submit(q, press);
            assert(status === 422, `status ${status}: the browser blocked the form itself`);
          }
          const heading = (await q.textContent("#errors h3")).trim();
          assert(/[\u0600-\u06FF]/.test(heading), `the summary is not Arabic: ${heading}`);
          const items = await q.$$eval("#errors li", (lis) => lis.map((li) => li.textContent));
          assert(items.length >= 3, `every problem at once: ${items.length}`);
          assert(items.every((t) => /[\u0600-\u06FF]/.test(t)), `a problem not in Arabic: ${items}`);
          await screenshot(q, `ar-empty-form-js-${js ? "on" : "off"}-360`);
          await context.close();
        });
      }
      await check("the Arabic page mirrors (dir=rtl, form direction rtl, headings start on the right)", async () => {
        await p.goto(`${open.url}/?lang=ar`);
        const r = await p.evaluate(() => {
          const form = document.querySelector("form[action='/sign']");
          const heading = document.querySelector("#sign");
          const text = document.createRange();
          text.selectNodeContents(heading);
          const box = text.getBoundingClientRect();
          const main = document.querySelector("main").getBoundingClientRect();
          return {
            dir: document.documentElement.dir,
            formDir: getComputedStyle(form).direction,
            fromRight: main.right - box.right,
            fromLeft: box.left - main.left,
          };
        });
        assert(r.dir === "rtl", `<html dir> is ${r.dir}`);
        assert(r.formDir === "rtl", `the form's direction is ${r.formDir}`);
        assert(r.fromRight < r.fromLeft, `the sign heading sits on the left (${JSON.stringify(r)})`);
      });
    } else {
      await check("an Arabic translation is offered", async () => assert(false, "no ar in the language switcher"));
    }

    await check("a Chinese signer on a 360 px phone: family name first, signs with JavaScript off, receipt read out and not translated", async () => {
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 800 } });
      const q = await context.newPage();
      await q.goto(`${open.url}/?lang=zh-Hans`);
      const order = await q.$$eval("form[action='/sign'] input[type=text], form[action='/sign'] input[type=email]", (ins) =>
        ins.map((i) => i.id).filter((id) => id !== "website"),
      );
      assert(order[0] === "last_name" && order[1] === "first_name", `field order ${order}`);
      await q.fill("#last_name", "陈");
      await q.fill("#first_name", "小明");
      await q.fill("#email", "xiaoming@example.org");
      await q.check("#consent");
      const status = await submit(q, () => q.click("form[action='/sign'] button[type=submit]"));
      assert(status === 200, `status ${status}`);
      assert((await q.getAttribute("#receipt-code", "translate")) === "no", "the code may be machine-translated");
      const spoken = (await q.textContent(".code-box .visually-hidden")).replace(/\s+/g, " ");
      const code = (await q.textContent("#receipt-code")).trim();
      assert(spoken.includes(code.slice(0, 4).split("").join(" ")), `no letter-by-letter reading: ${spoken}`);
      const wide = await q.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      assert(!wide, "the receipt page scrolls sideways at 360 px");
      await screenshot(q, "zh-Hans-receipt-360");
      await context.close();
    });
    await check("keyboard: Tab reaches every field and the button in order, with a visible focus ring", async () => {
      await p.goto(`${open.url}/?lang=en`);
      const wanted = ["first_name", "last_name", "affiliation", "email", "consent", "public", "submit"];
      const seen = [];
      for (let i = 0; i < 80 && !seen.includes("submit"); i++) {
        await p.keyboard.press("Tab");
        const f = await p.evaluate(() => {
          const el = document.activeElement;
          const s = getComputedStyle(el);
          return {
            key: el.type === "submit" ? "submit" : el.id || `${el.tagName.toLowerCase()} ${el.textContent.trim()}`,
            inForm: !!el.closest("form"),
            outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2,
          };
        });
        assert(f.outline, `no visible focus outline on ${f.key}`);
        if (!f.inForm) continue;
        assert(f.key !== "website", "Tab reached the honeypot field");
        seen.push(f.key);
      }
      const order = seen.filter((k) => wanted.includes(k));
      assert(JSON.stringify(order) === JSON.stringify(wanted), `focus order ${seen.join(" → ")}`);
    });

    await check("keyboard: a signer signs with keys alone; a missing field gets the server's summary, which leads to it", async () => {
      await p.goto(`${open.url}/?lang=en`);
      await p.focus("#first_name");
      await p.keyboard.type("Kim");
      await p.keyboard.press("Tab");
      await p.keyboard.press("Tab");
      await p.keyboard.press("Tab"); // skip the email: required, so the server answers with errors
      await p.keyboard.press("Tab");
      await p.keyboard.press("Space");
      await p.focus("form[action='/sign'] button[type=submit]");
      // The browser's own validation is off (its tooltips speak the browser's
      // language, one field at a time): the server's summary answers, drawn
      // by the page before sealing (nothing is sent).
      await refusedHere(p, () => p.keyboard.press("Enter"));
      const focused = await p.evaluate(() => document.activeElement && document.activeElement.id);
      assert(focused === "errors", `focus is on ${focused || "the page"}, not the error summary`);
      assert((await p.inputValue("#first_name")) === "Kim", "what was typed is kept");
      await p.focus("#errors a[href='#email']");
      await p.keyboard.press("Enter");
      const at = await p.evaluate(() => document.activeElement.id);
      assert(at === "email", `the summary link led to ${at}`);
      await p.keyboard.type("kbd@example.org");
      const status = await submit(p, () => p.keyboard.press("Enter"));
      assert(status === 200, `status ${status}`);
      assert(await p.locator("#receipt-code").count(), "no receipt after keyboard signing");
    });
    await check("the error summary takes focus and links to each field", async () => {
      await p.goto(`${open.url}/?lang=en`);
      await p.fill("#first_name", "Kim");
      await refusedHere(p, () => p.click("form[action='/sign'] button[type=submit]"));
      const focused = await p.evaluate(() => document.activeElement && document.activeElement.id);
      assert(focused === "errors", `focus is on ${focused || "the page"}, not the error summary`);
      const links = await p.$$eval("#errors a", (as) => as.map((a) => a.getAttribute("href")));
      for (const href of links) {
        assert((await p.locator(href).count()) === 1, `summary link ${href} points nowhere`);
      }
      await p.click("#errors a[href='#email']");
      const after = await p.evaluate(() => document.activeElement.id);
      assert(after === "email", `following the summary link focused ${after}`);
    });
    await context.close();

    await browser.close();
    browser = null;
    await stop(open);
    await stop(closed);

    await check("the decrypted export records the JavaScript signers as pow and the other as none", async () => {
      const exported = path.join(tmp, "export.jsonl");
      run(["export", "--data", data, "-o", exported]);
      const records = run(["decrypt", "-i", key, exported, "--format", "json"])
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l));
      const by = (email) => records.filter((r) => String(r.email).toLowerCase() === email);
      const js = by(signers.js.email);
      const nojs = by(signers.nojs.email);
      const early = by(signers.early.email);
      assert(js.length === 1 && nojs.length === 1, `found ${js.length} JavaScript and ${nojs.length} plain records in ${records.length}`);
      assert(js[0].check === "pow", `JavaScript signer has check ${js[0].check}`);
      assert(nojs[0].check === "none", `no-JavaScript signer has check ${nojs[0].check}`);
      assert(js[0].sealed === "browser" && nojs[0].sealed === "server", `sealed by ${js[0].sealed} and ${nojs[0].sealed}`);
      // Sealed in the browser, opened offline: exactly what was typed, with the
      // server's own facts (day, check, flags) beside it.
      const c = by(canary.email);
      assert(c.length === 1, `canary records: ${c.length}`);
      assert(
        c[0].first_name === canary.first && c[0].last_name === canary.last && c[0].affiliation === canary.org && c[0].public === true,
        `the canary came back as ${c[0].first_name} ${c[0].last_name} / ${c[0].affiliation} / ${c[0].public}`,
      );
      assert(c[0].sealed === "browser" && c[0].check === "pow" && Array.isArray(c[0].flags), `canary facts: ${c[0].sealed} ${c[0].check}`);
      assert(c[0].day === new Date().toISOString().slice(0, 10), `day ${c[0].day}`);
      // A lost answer and a second press: one signature, sealed in the browser.
      for (const who of [signers.lostBefore, signers.lostAfter, signers.nobundle]) {
        const got = by(who.email);
        const sealer = who === signers.nobundle ? "server" : "browser";
        assert(got.length === 1 && got[0].sealed === sealer, `${who.email}: ${JSON.stringify(got.map((r) => r.sealed))}, expected one sealed by the ${sealer}`);
      }
      const ns = by(signers.nosubtle.email);
      assert(ns.length === 1 && ns[0].sealed === "server", `without WebCrypto: ${JSON.stringify(ns.map((r) => r.sealed))}`);
      // Pressing twice before the answer must not send the form without it.
      assert(early.length === 1 && early[0].check === "pow", `early signer: ${JSON.stringify(early.map((r) => r.check))}`);
    });

    // The organizer's report and public list, opened from disk as an organizer would.
    await check("the decrypt report and public list render offline: no request, no script, chart drawn, no axe violation", async () => {
      const exported = path.join(tmp, "export.jsonl");
      const out = path.join(tmp, "offline");
      fs.mkdirSync(out);
      const report = path.join(out, "report.html");
      const publicBase = path.join(out, "public");
      execFileSync(BIN, ["decrypt", "-i", key, exported, "-o", path.join(out, "signatures.csv"), "--report", report, "--public-list", publicBase], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      browser = await chromium.launch(LAUNCH);
      const context = await browser.newContext({ viewport: { width: 360, height: 800 }, javaScriptEnabled: true });
      const outside = [];
      await context.route("**/*", (route) => {
        if (route.request().url().startsWith("file://")) return route.continue();
        outside.push(route.request().url());
        return route.abort();
      });
      for (const [file, name] of [[report, "report"], [`${publicBase}.html`, "public-list"]]) {
        const page = await context.newPage();
        await page.goto(`file://${file}`);
        const scripts = await page.$$eval("script", (els) => els.length);
        assert(scripts === 0, `${name} has ${scripts} script elements`);
        if (name === "report") {
          const bars = await page.$$eval("svg rect, svg path, svg line", (els) => els.length);
          assert(bars > 0, "the report draws no chart");
        }
        const wide = await sidewaysScroll(page);
        assert(!wide, `${name} scrolls sideways at 360 px`);
        const violations = await axeViolations(page);
        assert(violations.length === 0, `${name}:\n${describeViolations(violations)}`);
        await screenshot(page, `offline-${name}-360`);
        await page.close();
      }
      assert(outside.length === 0, `requests left the file: ${outside.join(", ")}`);
      await context.close();
      await browser.close();
      browser = null;
    });
  } catch (e) {
    failed++;
    console.log(`FAIL the run stopped early\n     ${String((e && e.stack) || e).split("\n").join("\n     ")}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    killAll();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`# screenshots in ${path.relative(process.cwd(), ARTIFACTS) || "."}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

await main();
