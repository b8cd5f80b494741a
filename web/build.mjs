// Builds static/age.js, the age library the petition page seals signatures
// with, from the versions pinned in package-lock.json:
//
//   cd web && npm ci && node build.mjs           # rebuild static/age.js
//   cd web && npm ci && node build.mjs --check   # CI: a rebuild gives the same bytes
//
// esbuild bundles seal.js with age-encryption and its @noble/@scure
// dependencies into one minified IIFE, licence comments kept at the end. The
// same inputs give the same bytes on any machine, so a reviewer can rebuild
// it and compare the SHA-256 with the one `undersign check` prints.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, "..", "static", "age.js");
const lock = JSON.parse(fs.readFileSync(path.join(HERE, "package-lock.json"), "utf8"));
const version = (name) => lock.packages[`node_modules/${name}`].version;

const result = await build({
  absWorkingDir: HERE,
  entryPoints: ["seal.js"],
  bundle: true,
  format: "iife",
  minify: true,
  target: ["es2020"],
  legalComments: "eof",
  charset: "utf8",
  write: false,
  logLevel: "warning",
  banner: {
    js: `/* undersign's age bundle: age-encryption ${version("age-encryption")} (typage) with its dependencies, built by web/build.mjs with esbuild ${version("esbuild")} from web/package-lock.json. Do not edit: rebuild. */`,
  },
});
const bytes = Buffer.from(result.outputFiles[0].contents);
const sha256 = createHash("sha256").update(bytes).digest("hex");

if (process.argv.includes("--check")) {
  const committed = fs.readFileSync(OUT);
  const want = createHash("sha256").update(committed).digest("hex");
  if (want !== sha256) {
    console.error(`static/age.js does not match a rebuild from web/package-lock.json: committed ${want}, rebuilt ${sha256}`);
    process.exit(1);
  }
  console.log(`static/age.js matches its rebuild: ${bytes.length} bytes, sha256 ${sha256}`);
} else {
  fs.writeFileSync(OUT, bytes);
  console.log(`wrote static/age.js: ${bytes.length} bytes, sha256 ${sha256}`);
}
