// An independent check of a petition's public log, written from the C2SP
// specifications (signed-note, tlog-checkpoint, tlog-tiles) and RFC 6962
// alone, with nothing from undersign's code: only node:crypto. It fetches the
// verifier key and the checkpoint, checks the Ed25519 signature, fetches
// every entry bundle and hash tile, recomputes the root, counts entries of
// kind 0x01 minus kind 0x02, compares that with /count, and, given a receipt
// code, looks for that signer's entry locally.
//
// The one thing it takes from undersign's documentation (docs/formats.md,
// "Public log") is the entry: kind byte || SHA-256("undersign-log" ||
// SHA-256("undersign-id" || code bytes)), the code being RFC 4648 base32.
//
//   node tests/c2sp/verify.mjs http://127.0.0.1:8080 [RECEIPT-CODE]
//
// Prints one JSON line; exits 1 with a message on any failed check.

import { createHash, createPublicKey, verify } from "node:crypto";

function fail(why) {
  console.error(`c2sp check failed: ${why}`);
  process.exit(1);
}

const [base, code] = [process.argv[2]?.replace(/\/+$/, ""), process.argv[3]];
if (!base) fail("usage: verify.mjs BASE_URL [CODE]");

async function get(path) {
  const r = await fetch(base + path);
  if (r.status !== 200) fail(`${path}: HTTP ${r.status}`);
  return Buffer.from(await r.arrayBuffer());
}

const sha256 = (...parts) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};

// --- signed-note: verifier key "<name>+<8 hex key id>+<base64(0x01 || key)>"
const vkey = (await get("/log/key")).toString("utf8").trim();
// The name and the id end at the first two "+"; base64 itself may hold more.
const first = vkey.indexOf("+");
const second = vkey.indexOf("+", first + 1);
if (first <= 0 || second !== first + 9) fail("malformed verifier key");
const [name, idHex, keyB64] = [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)];
const keyData = Buffer.from(keyB64, "base64");
if (keyData.length !== 33 || keyData[0] !== 0x01) fail("not an Ed25519 verifier key");
// key ID = SHA-256(key name || 0x0A || signature type || public key)[:4]
const keyId = sha256(Buffer.from(name, "utf8"), Buffer.from([0x0a]), keyData).subarray(0, 4);
if (keyId.toString("hex") !== idHex) fail("verifier key id does not match the key");
// An Ed25519 public key as SPKI DER: fixed prefix, then the 32 key bytes.
const publicKey = createPublicKey({
  key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), keyData.subarray(1)]),
  format: "der",
  type: "spki",
});

// --- signed-note: text ending in "\n", a blank line, then "— name base64(id || sig)\n" lines
const note = (await get("/log/checkpoint")).toString("utf8");
const cut = note.lastIndexOf("\n\n");
if (cut < 0 || !note.endsWith("\n")) fail("malformed note");
const text = note.slice(0, cut + 1);
let signed = false;
for (const line of note.slice(cut + 2, -1).split("\n")) {
  const m = /^\u2014 (\S+) (\S+)$/.exec(line);
  if (!m) fail("malformed signature line");
  const sig = Buffer.from(m[2], "base64");
  if (m[1] !== name || !sig.subarray(0, 4).equals(keyId)) continue; // unknown keys are ignored
  if (!verify(null, Buffer.from(text, "utf8"), publicKey, sig.subarray(4))) fail("bad checkpoint signature");
  signed = true;
}
if (!signed) fail("checkpoint not signed by the log key");

// --- tlog-checkpoint: origin, tree size, base64 root hash
const [origin, sizeLine, rootLine] = text.split("\n");
if (origin !== name) fail("origin is not the key's name");
if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) fail("malformed tree size");
const size = Number(sizeLine);
const root = Buffer.from(rootLine, "base64");
if (root.length !== 32) fail("malformed root hash");

// --- tlog-tiles: paths and widths
function tilePath(level, n, width) {
  let groups = [String(n % 1000).padStart(3, "0")];
  for (let k = Math.floor(n / 1000); k > 0; k = Math.floor(k / 1000)) {
    groups.unshift("x" + String(k % 1000).padStart(3, "0"));
  }
  return `/log/tile/${level}/${groups.join("/")}${width < 256 ? `.p/${width}` : ""}`;
}

// Entry bundles: big-endian uint16 length, then the entry.
const entries = [];
for (let n = 0; n * 256 < size; n++) {
  const width = Math.min(256, size - n * 256);
  const bundle = await get(tilePath("entries", n, width));
  let at = 0;
  for (let i = 0; i < width; i++) {
    if (at + 2 > bundle.length) fail("short entry bundle");
    const len = bundle.readUInt16BE(at);
    entries.push(bundle.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  if (at !== bundle.length) fail("entry bundle has extra bytes");
}

// RFC 6962: leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 || left || right).
const leaves = entries.map((e) => sha256(Buffer.from([0x00]), e));
const node = (l, r) => sha256(Buffer.from([0x01]), l, r);
function mth(lo, hi) {
  if (hi - lo === 0) return sha256(Buffer.alloc(0));
  if (hi - lo === 1) return leaves[lo];
  let k = 1;
  while (k * 2 < hi - lo) k *= 2;
  return node(mth(lo, lo + k), mth(lo + k, hi));
}
if (!mth(0, size).equals(root)) fail("entries do not hash to the checkpoint's root");

// Hash tiles: level L holds MTH of each 256^L leaves; each must match.
for (let level = 0, span = 1; Math.floor(size / span) > 0; level++, span *= 256) {
  const count = Math.floor(size / span);
  for (let n = 0; n * 256 < count; n++) {
    const width = Math.min(256, count - n * 256);
    const tile = await get(tilePath(level, n, width));
    if (tile.length !== width * 32) fail("hash tile of the wrong size");
    for (let i = 0; i < width; i++) {
      const lo = (n * 256 + i) * span;
      if (!tile.subarray(i * 32, i * 32 + 32).equals(mth(lo, lo + span))) fail(`tile ${level}/${n} does not match`);
    }
  }
}

// The count: entries of kind 0x01 minus those of kind 0x02.
const added = entries.filter((e) => e[0] === 0x01).length;
const withdrawn = entries.filter((e) => e[0] === 0x02).length;
const published = JSON.parse((await get("/count")).toString("utf8"));
if (published.log_size === size && published.count !== added - withdrawn) fail("/count does not match the log");

// A signer's entry, searched for here, never asked of the server.
let standing = null;
if (code) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const chars = code.toUpperCase().replace(/[-\s]/g, "");
  let bits = 0, value = 0;
  const bytes = [];
  for (const c of chars) {
    const v = alphabet.indexOf(c);
    if (v < 0) fail("not a receipt code");
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  const recordId = sha256(Buffer.from("undersign-id"), Buffer.from(bytes));
  const subject = sha256(Buffer.from("undersign-log"), recordId);
  const has = (kind) => entries.some((e) => e.length === 33 && e[0] === kind && e.subarray(1).equals(subject));
  standing = has(0x01) ? (has(0x02) ? "withdrawn" : "counted") : "absent";
}

console.log(JSON.stringify({ origin, size, root: rootLine, added, withdrawn, count: added - withdrawn, code: standing }));
