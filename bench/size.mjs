// What a browser downloads for this package, and how big it is: the files
// reachable from the package's browser entry (static `import`/`export … from`
// and `new URL("…", import.meta.url)`), each compressed on its own as a server
// would send it. Shared by the size budget (scripts/size-check.sh) and the
// benchmark (bench/run.mjs).
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/**
 * Raw, `gzip -9` and (unless `brotli` is false: it takes a while) brotli
 * quality 11 sizes of `bytes`, in bytes.
 */
export function compressedSizes(bytes, { brotli = true } = {}) {
  const sizes = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  if (brotli) {
    const params = {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    };
    sizes.brotli = brotliCompressSync(bytes, { params }).length;
  }
  return sizes;
}

// Relative specifiers only: bare ones (`node:fs`) are not downloaded. Written
// for minified code too (`import{a as b}from"./x.js"`, `export*from"./y.js"`).
const REFERENCES = [
  /\b(?:import|export)\s*(?:[\w$*{][^;]*?)?\bfrom\s*["'](\.{0,2}\/?[^"':]+)["']/g,
  /\bimport\s*["'](\.{0,2}\/?[^"':]+)["']/g,
  /\bnew URL\(\s*["'](\.{0,2}\/?[^"':]+)["']\s*,\s*import\.meta\.url\s*\)/g,
];

/** The files `entry` pulls in, itself included, as absolute paths. */
export function reachableFiles(entry) {
  const found = new Set();
  const visit = (file) => {
    if (found.has(file)) return;
    found.add(file);
    if (!file.endsWith(".js") && !file.endsWith(".mjs")) return;
    const source = readFileSync(file, "utf8");
    for (const pattern of REFERENCES) {
      for (const [, specifier] of source.matchAll(pattern)) {
        visit(resolve(dirname(file), specifier));
      }
    }
  };
  visit(resolve(entry));
  return [...found];
}

/** The browser entry of the package in `pkgDir`, per its package.json. */
export function browserEntry(pkgDir) {
  const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const root = manifest.exports?.["."];
  const entry = typeof root === "string" ? root : (root?.browser ?? root?.default);
  return join(pkgDir, entry ?? manifest.module ?? manifest.main ?? "index.js");
}

/**
 * Sizes of what a browser loads from `entry`: `wasm` and `js` are sums over
 * their files, `total` over both; `files` lists each file.
 */
export function measure(entry, options) {
  const base = dirname(resolve(entry));
  const files = reachableFiles(entry).map((file) => ({
    file: relative(base, file),
    ...compressedSizes(readFileSync(file), options),
  }));
  const sum = (list) => {
    const total = {};
    for (const sizes of list) {
      for (const [kind, bytes] of Object.entries(sizes)) {
        if (kind !== "file") total[kind] = (total[kind] ?? 0) + bytes;
      }
    }
    return total;
  };
  return {
    files,
    wasm: sum(files.filter((f) => f.file.endsWith(".wasm"))),
    js: sum(files.filter((f) => !f.file.endsWith(".wasm"))),
    total: sum(files),
  };
}
