// Shortens the names of the wasm module's imports from the wasm-bindgen glue
// (`__wbg_fetch_ef1c3e2a1f6d6a8b` → `b`), in the wasm and in the glue's import
// object alike, as Emscripten does with binaryen's --minify-imports (which
// only handles Emscripten's `env` module). Each name carries a 16-digit hash,
// which gzip cannot compress, twice: in the wasm and in the glue.
//   node scripts/short-imports.mjs WASM GLUE_JS
// Both files are rewritten in place. Fails, changing nothing, when the glue
// does not have each import name exactly once as an object key, so a glue of
// another shape can never be half-renamed.
import { readFileSync, writeFileSync } from "node:fs";

const GLUE_MODULE = "./emporix_optin_bg.js";

const [wasmPath, gluePath] = process.argv.slice(2);
if (!wasmPath || !gluePath) {
  console.error("usage: node scripts/short-imports.mjs WASM GLUE_JS");
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
let glue = readFileSync(gluePath, "utf8");
if (wasm.readUInt32LE(0) !== 0x6d736100) throw new Error(`${wasmPath}: not a wasm module`);

// Find the import section (id 2).
let at = 8;
let section;
while (at < wasm.length) {
  const id = wasm[at];
  const [size, start] = readLeb(wasm, at + 1);
  if (id === 2) section = { headerAt: at, start, end: start + size };
  at = start + size;
}
if (!section) throw new Error(`${wasmPath}: no import section`);

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
  if (entry.module !== GLUE_MODULE) continue;
  if (!renamed.has(entry.field)) renamed.set(entry.field, names.next().value);
  entry.field = renamed.get(entry.field);
}
for (const [from, to] of renamed) {
  const key = new RegExp(`(?<![\\w$])${from.replace(/\$/g, "\\$")}(?=:)`, "g");
  const found = glue.match(key)?.length ?? 0;
  if (found !== 1) throw new Error(`${gluePath}: import ${from} is a key ${found} times, not once`);
  glue = glue.replace(key, to);
}

const body = [...leb(imports.length)];
for (const entry of imports) body.push(...name(entry.module), ...name(entry.field), ...entry.description);
const out = Buffer.concat([
  wasm.subarray(0, section.headerAt),
  Buffer.from([2, ...leb(body.length), ...body]),
  wasm.subarray(section.end),
]);
writeFileSync(wasmPath, out);
writeFileSync(gluePath, glue);
console.log(`[short-imports] ${renamed.size} imports renamed; wasm ${wasm.length} -> ${out.length} bytes`);
