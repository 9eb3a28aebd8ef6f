// Shortens the names the wasm module and the wasm-bindgen glue know each other
// by, in the wasm and in the glue alike, as Emscripten does with binaryen's
// --minify-imports-and-exports (which only handles Emscripten's own glue):
// - the imports' names (`__wbg_fetch_ef1c3e2a1f6d6a8b` → `b`): each carries a
//   16-digit hash, which gzip cannot compress, twice (in the wasm, and as a
//   key of the glue's import object);
// - the imports' module, `./emporix_optin_bg.js` (21 bytes in each of the
//   wasm's ~86 imports) → `a`, the glue's one import object key;
// - the exports the glue calls as `wasm.<name>` (`__wbindgen_malloc`, the
//   closure shims `wasm_bindgen_<hash>___convert__closures_…` of up to 334
//   characters, the exported functions) → `a`, `b`, …, except `memory`,
//   which the package's memory tests read.
//   node scripts/short-imports.mjs WASM GLUE_JS
//   node scripts/short-imports.mjs --drop-exports NAME,… WASM
// The second form removes the named exports (which the package's JavaScript
// never reads: scripts/bundle.mjs finds them), so that wasm-opt can drop the
// code only they reach.
// Both files are rewritten in place. Fails, changing nothing, when the glue
// does not have each import name (and the module) exactly once as an object
// key, or reads an export other than as `wasm.<name>` with a name the wasm
// exports, so a glue of another shape can never be half-renamed.
import { readFileSync, writeFileSync } from "node:fs";

const GLUE_MODULE = "./emporix_optin_bg.js";
const SHORT_MODULE = "a";
// Exports read by name outside the glue (tests/hardening/lab/lab.js, bench/).
const KEPT_EXPORTS = new Set(["memory"]);

const args = process.argv.slice(2);
const dropping = args[0] === "--drop-exports";
const toDrop = dropping ? new Set(args[1].split(",").filter(Boolean)) : new Set();
const [wasmPath, gluePath] = dropping ? [args[2]] : args;
if (!wasmPath || (!dropping && !gluePath)) {
  console.error("usage: node scripts/short-imports.mjs WASM GLUE_JS | --drop-exports NAME,… WASM");
  process.exit(2);
}

function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

function leb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

const name = (text) => {
  const bytes = Buffer.from(text, "utf8");
  return [...leb(bytes.length), ...bytes];
};

// Short identifiers that are not reserved words: a..z, A..Z, then two letters.
const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const RESERVED = new Set(["do", "if", "in"]);
function* shortNames() {
  for (const a of LETTERS) yield a;
  for (const a of LETTERS) for (const b of LETTERS) if (!RESERVED.has(a + b)) yield a + b;
}

const wasm = readFileSync(wasmPath);
let glue = dropping ? "" : readFileSync(gluePath, "utf8");
if (wasm.readUInt32LE(0) !== 0x6d736100) throw new Error(`${wasmPath}: not a wasm module`);

// The sections, in order; the import (2) and export (7) sections are rewritten.
const sections = [];
let at = 8;
while (at < wasm.length) {
  const id = wasm[at];
  const [size, start] = readLeb(wasm, at + 1);
  sections.push({ id, headerAt: at, start, end: start + size });
  at = start + size;
}
const section = sections.find((s) => s.id === 2);
const exportSection = sections.find((s) => s.id === 7);
if (!section || !exportSection) throw new Error(`${wasmPath}: no import or export section`);

// Decode the imports, keeping each one's description bytes verbatim.
const decoder = new TextDecoder("utf-8", { fatal: true });
const readName = (p) => {
  const [length, from] = readLeb(wasm, p);
  return [decoder.decode(wasm.subarray(from, from + length)), from + length];
};
let p = section.start;
let count;
[count, p] = readLeb(wasm, p);
const imports = [];
for (let i = 0; i < count; i++) {
  let module, field;
  [module, p] = readName(p);
  [field, p] = readName(p);
  const descriptionStart = p;
  const kind = wasm[p++];
  if (kind === 0) [, p] = readLeb(wasm, p); // function: type index
  else if (kind === 1) {
    p++; // table: reftype, then limits
    const flags = wasm[p++];
    [, p] = readLeb(wasm, p);
    if (flags & 1) [, p] = readLeb(wasm, p);
  } else if (kind === 2) {
    const flags = wasm[p++]; // memory: limits
    [, p] = readLeb(wasm, p);
    if (flags & 1) [, p] = readLeb(wasm, p);
  } else if (kind === 3) p += 2; // global: valtype, mutability
  else throw new Error(`import ${module}.${field}: unknown kind ${kind}`);
  imports.push({ module, field, description: wasm.subarray(descriptionStart, p) });
}
if (p !== section.end) throw new Error(`${wasmPath}: import section not read to its end`);

// Rename the glue's imports, in the glue first (where each must be a key once).
const names = shortNames();
const renamed = new Map();
for (const entry of imports) {
  if (dropping || entry.module !== GLUE_MODULE) continue;
  if (!renamed.has(entry.field)) renamed.set(entry.field, names.next().value);
  entry.field = renamed.get(entry.field);
}
for (const [from, to] of renamed) {
  const key = new RegExp(`(?<![\\w$])${from.replace(/\$/g, "\\$")}(?=:)`, "g");
  const found = glue.match(key)?.length ?? 0;
  if (found !== 1) throw new Error(`${gluePath}: import ${from} is a key ${found} times, not once`);
  glue = glue.replace(key, to);
}

// The module: one key of the import object, in quotes (it is no identifier).
if (!dropping) {
  const key = JSON.stringify(GLUE_MODULE);
  const found = glue.split(`${key}:`).length - 1;
  if (found !== 1) throw new Error(`${gluePath}: module ${key} is a key ${found} times, not once`);
  glue = glue.replace(`${key}:`, `${SHORT_MODULE}:`);
  for (const entry of imports) if (entry.module === GLUE_MODULE) entry.module = SHORT_MODULE;
}

// The exports: renamed where the glue reads them, or dropped.
p = exportSection.start;
[count, p] = readLeb(wasm, p);
const exports = [];
for (let i = 0; i < count; i++) {
  let field;
  [field, p] = readName(p);
  const descriptionStart = p;
  p++; // kind
  [, p] = readLeb(wasm, p); // index
  exports.push({ field, description: wasm.subarray(descriptionStart, p) });
}
if (p !== exportSection.end) throw new Error(`${wasmPath}: export section not read to its end`);
let shortened = 0;
let exportsOut = exports;
if (dropping) {
  for (const field of toDrop) {
    if (KEPT_EXPORTS.has(field) || !exports.some((entry) => entry.field === field)) {
      throw new Error(`${wasmPath}: cannot drop export ${field} (kept, or not exported)`);
    }
  }
  exportsOut = exports.filter((entry) => !toDrop.has(entry.field));
} else {
  // Every export the glue reads is read as `wasm.<name>`, and nothing else reads
  // the exports (the package's modules go through the glue), but for KEPT_EXPORTS.
  if (/(?<![\w$])wasm\s*\[/.test(glue)) throw new Error(`${gluePath}: reads an export as wasm[…]`);
  const READ = /(?<![\w$])wasm\.([\w$]+)/g;
  const exported = new Set(exports.map((entry) => entry.field));
  for (const [, field] of glue.matchAll(READ)) {
    if (!exported.has(field)) throw new Error(`${gluePath}: reads wasm.${field}, which the wasm does not export`);
  }
  const exportNames = shortNames();
  const newNames = new Map();
  for (const entry of exports) {
    if (KEPT_EXPORTS.has(entry.field)) continue;
    const to = exportNames.next().value;
    if (exported.has(to)) throw new Error(`export ${to} exists already`);
    newNames.set(entry.field, to);
    entry.field = to;
    shortened++;
  }
  glue = glue.replace(READ, (whole, field) => (newNames.has(field) ? `wasm.${newNames.get(field)}` : whole));
}

const importBody = [...leb(imports.length)];
for (const entry of imports) importBody.push(...name(entry.module), ...name(entry.field), ...entry.description);
const exportBody = [...leb(exportsOut.length)];
for (const entry of exportsOut) exportBody.push(...name(entry.field), ...entry.description);
const out = Buffer.concat(
  sections.map(({ id, headerAt, end }) => {
    if (id === 2) return Buffer.from([2, ...leb(importBody.length), ...importBody]);
    if (id === 7) return Buffer.from([7, ...leb(exportBody.length), ...exportBody]);
    return wasm.subarray(headerAt, end);
  }),
);
writeFileSync(wasmPath, Buffer.concat([wasm.subarray(0, 8), out]));
if (dropping) {
  console.log(`[short-imports] exports ${[...toDrop].join(", ") || "(none)"} dropped`);
} else {
  writeFileSync(gluePath, glue);
  console.log(
    `[short-imports] ${renamed.size} imports, their module and ${shortened} exports renamed; ` +
      `wasm ${wasm.length} -> ${out.length + 8} bytes`,
  );
}
