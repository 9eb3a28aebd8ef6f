// The size check checked: run against copies of the built package, it passes
// at the budget and fails one byte over, on a wasm or a script that grew, and
// counts only what the browser entry loads.
//   node --test bench/size-check.test.mjs   (after scripts/package.sh)
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { browserEntry, measure } from "./size.mjs";

const CHECK = fileURLToPath(new URL("size-check.mjs", import.meta.url));
const PKG = fileURLToPath(new URL("../pkg", import.meta.url));
const BUDGET = fileURLToPath(new URL("size-budget.json", import.meta.url));

let scratch;
before(() => {
  scratch = mkdtempSync(join(tmpdir(), "size-check-"));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh copy of the built package. */
function copyOfPackage(name) {
  const dir = join(scratch, name);
  cpSync(PKG, dir, { recursive: true });
  return dir;
}

function check(pkgDir, budgetFile = BUDGET) {
  const run = spawnSync(process.execPath, [CHECK, pkgDir, "--budget", budgetFile], {
    encoding: "utf8",
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

function budgetOf(gzipBytes) {
  const file = join(scratch, `budget-${gzipBytes}.json`);
  writeFileSync(file, JSON.stringify({ gzipBytes }));
  return file;
}

const totalGzip = (pkgDir) => measure(browserEntry(pkgDir), { brotli: false }).total.gzip;
const budget = () => JSON.parse(readFileSync(BUDGET, "utf8")).gzipBytes;

/** Bytes that gzip cannot shrink, enough to push the package over the real budget. */
const overBudget = (pkgDir) => randomBytes(budget() - totalGzip(pkgDir) + 1024);

/** `wasm` with a custom section appended: still a valid module, just bigger. */
function withCustomSection(wasm, name, payload) {
  const leb128 = (n) => {
    const bytes = [];
    do {
      let byte = n & 0x7f;
      n >>>= 7;
      if (n !== 0) byte |= 0x80;
      bytes.push(byte);
    } while (n !== 0);
    return Buffer.from(bytes);
  };
  const content = Buffer.concat([leb128(name.length), Buffer.from(name), payload]);
  return Buffer.concat([wasm, Buffer.from([0]), leb128(content.length), content]);
}

test("passes at exactly the budget and fails one byte over it", () => {
  const total = totalGzip(PKG);
  assert.equal(check(PKG, budgetOf(total)).status, 0);
  const over = check(PKG, budgetOf(total - 1));
  assert.equal(over.status, 1, over.output);
  assert.match(over.output, /1 bytes over budget/);
});

test("an inflated wasm fails against the real budget", () => {
  const pkgDir = copyOfPackage("big-wasm");
  const wasmFile = join(pkgDir, "emporix_optin_bg.wasm");
  const inflated = withCustomSection(readFileSync(wasmFile), "padding", overBudget(pkgDir));
  assert.ok(WebAssembly.validate(inflated), "the inflated wasm is still a valid module");
  writeFileSync(wasmFile, inflated);
  const result = check(pkgDir);
  assert.equal(result.status, 1, result.output);
  assert.match(result.output, /OVER the budget/);
});

test("a grown JavaScript glue fails against the real budget", () => {
  const pkgDir = copyOfPackage("big-glue");
  const padding = overBudget(pkgDir).toString("base64");
  appendFileSync(join(pkgDir, "emporix_optin.js"), `\n// ${padding}\n`);
  assert.equal(check(pkgDir).status, 1);
});

test("files the browser entry never loads do not count", () => {
  const pkgDir = copyOfPackage("big-unused");
  writeFileSync(join(pkgDir, "unused.js"), overBudget(pkgDir).toString("base64"));
  assert.equal(check(pkgDir, budgetOf(totalGzip(PKG))).status, 0);
});

test("a missing or malformed budget is an error, not a pass", () => {
  assert.equal(check(PKG, join(scratch, "absent.json")).status, 2);
  assert.equal(check(PKG, budgetOf(0)).status, 2);
});
