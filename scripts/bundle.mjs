// Builds the package's JavaScript from SRC (the wasm-bindgen glue, after
// short-imports.mjs, and pkg-template's modules) into OUT, minified by esbuild:
//   node scripts/bundle.mjs SRC OUT UNREAD_EXPORTS_FILE   (run by scripts/package.sh)
// UNREAD_EXPORTS_FILE gets the names of the wasm's exports that nothing in
// emporix_optin.js reads, once esbuild has left out what no entry uses (the
// glue's `isOptInError`, say, which error.js implements in JavaScript), for
// short-imports.mjs --drop-exports: wasm-opt then drops the code behind them.
//
// A browser loads the main entry as two modules and the wasm, instead of
// seven files each paying gzip's header and an empty dictionary:
// - OUT/emporix_optin.js: the glue, its loader (wasm.js) and client.js, the
//   code that needs the wasm;
// - OUT/index.js: the plain functions that work without it (error.js,
//   link.js) and the re-exports of the rest. They stay out of the merged
//   module so that emporix-optin/flow and /react, which use only them, do not
//   pull in the glue (whose top-level statements bundlers must keep) or make
//   bundlers emit the wasm.
// The other entries (node, flow, element, react, i18n: package.json's
// exports) stay modules of their own, each minified alone, with every import
// of a file that index.js or emporix_optin.js holds pointed at that module:
// one module instance per page, so one hub, for the main entry and the
// subpaths alike. `new URL("./emporix_optin_bg.wasm", import.meta.url)` is
// left as written, so bundlers still find the wasm.
//
// Safe by construction: the glue is patched only where it is written exactly
// as expected (else the build fails), every entry is first bundled against
// the sources of the modules it imports, so an import of a name they do not
// export fails the build (as it would fail in a browser), and no module may
// end up copied into two outputs or in none.
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { build } from "esbuild";

const [src, out, unreadFile] = process.argv.slice(2).map((dir) => dir && resolve(dir));
if (!src || !out || !unreadFile) throw new Error("usage: node scripts/bundle.mjs SRC OUT UNREAD_EXPORTS_FILE");

const GLUE = "emporix_optin.js";

// The glue's loader (`__wbg_init`, `initSync`) is replaced by wasm.js, which
// needs the import object and the step after instantiation instead. The
// glue's other exports (the wasm-bound functions and classes) stay. Its
// `heap`, the JavaScript values the wasm holds (the wasm is built without
// reference types: scripts/package.sh), with `heap_next`, the first of its
// free slots, are exported too, for the package's memory tests
// (tests/hardening/lab), which count the values that stay held.
const GLUE_EXPORTS = "export { initSync, __wbg_init as default };";
const LOADER_PARTS = ["function __wbg_get_imports(", "function __wbg_finalize_init(", "let heap = ", "let heap_next = "];
let glue = readFileSync(join(src, GLUE), "utf8");
for (const text of [GLUE_EXPORTS, ...LOADER_PARTS]) {
  const found = glue.split(text).length - 1;
  if (found !== 1) throw new Error(`${GLUE}: expected \`${text}\` once, found it ${found} times`);
}
glue = glue.replace(GLUE_EXPORTS, "export { __wbg_get_imports, __wbg_finalize_init, heap, heap_next };");

// Fallbacks of the glue for engines older than the package's minimum (the
// README's "Where it works": Chrome 96, Firefox 79, Safari 15, Node 20), which
// all have FinalizationRegistry (Chrome 84, Firefox 79, Safari 14.1; the
// TextEncoder.encodeInto test goes with wasm-bindgen's --encode-into always),
// and a branch for a call the glue never makes. Each is cut only where the helper it
// belongs to is there (a glue without it needs no patch) and it is written
// exactly as wasm-bindgen 0.2.130 writes it; otherwise the build fails.
const PATCHES = [
  {
    what: "the FinalizationRegistry fallback",
    anchor: /typeof FinalizationRegistry/g,
    from: /\(typeof FinalizationRegistry === 'undefined'\)\n {4}\? \{ register: \(\) => \{\}, unregister: \(\) => \{\} \}\n {4}: (?=new FinalizationRegistry\()/g,
  },
  {
    // Only when every call passes wasm-bindgen's realloc (else kept).
    what: "passStringToWasm0's branch for a call without realloc",
    anchor: /if \(realloc === undefined\)/g,
    from: /(?<=function passStringToWasm0\(arg, malloc, realloc\) \{\n) {4}if \(realloc === undefined\) \{\n {8}const buf = cachedTextEncoder\.encode\(arg\);\n {8}const ptr = malloc\(buf\.length, 1\) >>> 0;\n {8}getUint8ArrayMemory0\(\)\.subarray\(ptr, ptr \+ buf\.length\)\.set\(buf\);\n {8}WASM_VECTOR_LEN = buf\.length;\n {8}return ptr;\n {4}\}\n/g,
    applies: (text) => {
      const calls = text.match(/(?<!function )passStringToWasm0\([^)]*\)/g) ?? [];
      return calls.every((call) => /^passStringToWasm0\([\w$]+, wasm\.[\w$]+, wasm\.[\w$]+\)$/.test(call));
    },
  },
];
for (const { what, anchor, from, applies } of PATCHES) {
  const anchors = glue.match(anchor)?.length ?? 0;
  if (anchors === 0 || (applies && !applies(glue))) continue;
  const found = glue.match(from)?.length ?? 0;
  if (found !== anchors) {
    throw new Error(`${GLUE}: ${what} is not written as expected (${found} of ${anchors} found)`);
  }
  glue = glue.replace(from, "");
}

// A value handed straight to the function that keeps it (`const ret = …;
// return addHeapObject(ret);` → `return addHeapObject(…);`, 24 times), which
// esbuild does not do itself: both are functions of the glue that nothing
// reassigns, so the order of evaluation is the same.
{
  const HANDED_ON = /^( +)const ret = ([^\n]*);\n\1return (addHeapObject|takeObject)\(ret\);$/gm;
  if (!HANDED_ON.test(glue)) throw new Error(`${GLUE}: no \`const ret = …; return addHeapObject(ret);\``);
  glue = glue.replace(HANDED_ON, "$1return $3($2);");
}

// The import object's functions as methods (`at(n,t){…}` instead of
// `at:function(n,t){…}`, 9 bytes each): the wasm calls them as plain
// functions, never with `new` or a `this`, and `arguments` works alike. The
// imports that catch a JavaScript exception (wasm-bindgen's `catch`) are
// wrapped once, when the import object is made, by a `handleError` that takes
// the function and returns its catching version (`at:a((n,t)=>…)` instead of
// `at(){return a(function(n,t){…},arguments)}`): none uses `this` or
// `arguments` itself, so it can be an arrow function.
{
  const start = glue.indexOf("function __wbg_get_imports() {\n");
  const end = glue.indexOf("\n}\n", start);
  if (start < 0 || end < 0) throw new Error(`${GLUE}: no __wbg_get_imports() { … } found`);
  const body = glue.slice(start, end);
  const CATCHING = /^( {8}[\w$]+): function\(\) \{ return handleError\(function \(([^)]*)\) \{\n([\s\S]*?)\n {8}\}, arguments\); \},$/gm;
  const catching = [...body.matchAll(CATCHING)].map(([, , , code]) => code);
  const uses = glue.split("handleError(").length - 1;
  const HANDLE_ERROR =
    /^function handleError\(f, args\) \{\n {4}try \{\n {8}return f\.apply\(this, args\);\n {4}\} catch \(e\) \{\n( {8}[^\n]*)\n {4}\}\n\}$/m;
  if (!HANDLE_ERROR.test(glue) || catching.length !== uses - 1 || catching.some((code) => /\b(this|arguments)\b/.test(code))) {
    throw new Error(`${GLUE}: handleError or its ${uses - 1} uses are not written as expected (${catching.length} found)`);
  }
  const wrapped = body.replace(CATCHING, "$1: handleError(($2) => {\n$3\n        }),");
  const methods = wrapped.replace(/^( {8}[\w$]+): function\(/gm, "$1(");
  if (methods === wrapped) throw new Error(`${GLUE}: no import written as \`name: function(\``);
  glue = glue.slice(0, start) + methods + glue.slice(end);
  glue = glue.replace(
    HANDLE_ERROR,
    "function handleError(f) {\n    return (...args) => {\n        try {\n            return f(...args);\n        } catch (e) {\n    $1\n        }\n    };\n}",
  );
}
writeFileSync(join(src, GLUE), glue);

// What the merged module exports: every export of the loader (the default
// being the loaded wasm's exports, for the package's own tests) and of
// client.js, the glue's class the element checks configs with, and the
// glue's heap for the memory tests.
const MERGED_ENTRY = `
export * from "./wasm.js";
export { default } from "./wasm.js";
export * from "./client.js";
export { OptInClientCore, heap, heap_next } from "./${GLUE}";
`;

const common = { bundle: true, format: "esm", minify: true, write: false, logLevel: "warning", absWorkingDir: src };
const inputsOf = (result) =>
  Object.keys(result.metafile.inputs)
    .filter((input) => !input.startsWith("<"))
    .map((input) => relative(src, resolve(src, input)));

const merged = await build({
  ...common,
  // The glue's own bookkeeping properties, on its objects only (the class's
  // pointer, the closures' unref hook), read and written nowhere else:
  // esbuild renames them consistently within this one module.
  mangleProps: /^(__wbg_ptr|__destroy_into_raw|_wbg_cb_unref)$/,
  stdin: { contents: MERGED_ENTRY, resolveDir: src, sourcefile: "<merged>" },
  metafile: true,
});
// The wasm exports the merged module reads (as `wasm.<name>`, the only way the
// glue reads them: short-imports.mjs checks), in esbuild's unminified output,
// where the glue's `wasm` keeps its name. `memory` stays: the default export
// hands it to the package's memory tests.
const KEPT_EXPORTS = ["memory"];
{
  const analysis = await build({ ...common, minify: false, stdin: { contents: MERGED_ENTRY, resolveDir: src, sourcefile: "<merged>" } });
  const code = analysis.outputFiles[0].text;
  if (!/(?<![\w$])wasm = instance\.exports;/.test(code)) throw new Error("merged module: the glue's `wasm` was renamed");
  const read = new Set([...code.matchAll(/(?<![\w$])wasm\.([\w$]+)/g)].map(([, field]) => field));
  const module = new WebAssembly.Module(readFileSync(join(src, "emporix_optin_bg.wasm")));
  const unread = WebAssembly.Module.exports(module)
    .map((entry) => entry.name)
    .filter((field) => !read.has(field) && !KEPT_EXPORTS.includes(field));
  writeFileSync(unreadFile, unread.join(",") + "\n");
}

// The package's entries, from its exports map (inline/ is made later, by
// inline-entry.mjs): each is a module of its own.
const manifest = JSON.parse(readFileSync(join(src, "package.json"), "utf8"));
const entries = [
  ...new Set(
    Object.values(manifest.exports)
      .flatMap((target) => (typeof target === "string" ? [target] : Object.values(target)))
      .filter((path) => path.endsWith(".js") && !path.startsWith("./inline/"))
      .map((path) => path.slice(2)),
  ),
].sort();
if (!entries.includes("index.js")) throw new Error("no index.js among the entries");

// Which output module holds each source file: the glue, the loader and
// client.js are emporix_optin.js; the plain functions index.js imports
// (error.js, link.js) are index.js's own code.
const owner = new Map(inputsOf(merged).map((name) => [name, GLUE]));
if (owner.get(GLUE) !== GLUE) throw new Error(`merged module: ${GLUE} (the glue) is not in it`);
const OUTPUT_SOURCES = new Map([[GLUE, MERGED_ENTRY]]);

// Imports of a file another output holds go to that output: in the real build
// as an import of ./emporix_optin.js (or ./index.js), in the check as that
// output's source. Imports of another entry (element.js → ./flow.js) stay as
// written; bare ones (react, node:fs/promises) are the consumer's. What is
// left (error.js, link.js from index.js) is bundled into the entry.
function redirect(entry, { check }) {
  return {
    name: "package-modules",
    setup(builder) {
      builder.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === "entry-point" || args.namespace === "output") return undefined;
        const importer = relative(src, args.importer);
        if (check && owner.has(importer)) return undefined; // inside an output module
        if (!/^\.\.?\//.test(args.path)) return { path: args.path, external: true };
        const name = relative(src, resolve(args.resolveDir, args.path));
        const holder = owner.get(name);
        if (holder !== undefined && holder !== entry) {
          return check ? { path: holder, namespace: "output" } : { path: `./${holder}`, external: true };
        }
        if (entries.includes(name)) return { path: args.path, external: true };
        return undefined;
      });
      builder.onLoad({ filter: /.*/, namespace: "output" }, (args) => ({
        contents: OUTPUT_SOURCES.get(args.path),
        resolveDir: src,
      }));
    },
  };
}

// index.js first: the files it bundles are its own from then on.
const outputs = new Map([[GLUE, merged.outputFiles[0].text]]);
for (const entry of ["index.js", ...entries.filter((name) => name !== "index.js")]) {
  await build({ ...common, entryPoints: [entry], plugins: [redirect(entry, { check: true })] });
  const built = await build({ ...common, entryPoints: [entry], plugins: [redirect(entry, { check: false })], metafile: true });
  for (const name of inputsOf(built)) {
    if (name === entry) continue;
    if (entry !== "index.js") throw new Error(`${entry}: would carry its own copy of ${name}`);
    owner.set(name, entry);
  }
  owner.set(entry, entry);
  OUTPUT_SOURCES.set(entry, readFileSync(join(src, entry), "utf8"));
  outputs.set(entry, built.outputFiles[0].text);
}
const strays = readdirSync(src).filter((name) => name.endsWith(".js") && !owner.has(name));
if (strays.length > 0) throw new Error(`in no module of the package: ${strays.join(", ")}`);

// The main entry is index.js and the merged module, nothing else.
const indexImports = [...outputs.get("index.js").matchAll(/from\s*"([^"]+)"/g)].map(([, path]) => path);
if (indexImports.some((path) => path !== `./${GLUE}`)) {
  throw new Error(`index.js imports ${indexImports.join(", ")}: only ./${GLUE} expected`);
}

// Everything else (the declarations, the wasm, README.md) as it is.
for (const file of readdirSync(src, { withFileTypes: true })) {
  if (!file.isFile()) throw new Error(`${file.name}: only files expected in ${src} (wasm-bindgen snippets?)`);
  if (!file.name.endsWith(".js")) copyFileSync(join(src, file.name), join(out, file.name));
}
for (const [name, contents] of outputs) writeFileSync(join(out, name), contents);
const heldBy = (output) => [...owner].filter(([name, holder]) => holder === output && name !== output).map(([name]) => name);
console.log(
  `[bundle] ${GLUE} holds ${heldBy(GLUE).sort().join(", ")}; index.js ${heldBy("index.js").sort().join(", ")}; ` +
    `${entries.filter((name) => name !== "index.js").join(", ")} import them`,
);
