// Builds the package's JavaScript from SRC (the wasm-bindgen glue, after
// short-imports.mjs, and pkg-template's modules) into OUT, minified by esbuild:
//   node scripts/bundle.mjs SRC OUT        (run by scripts/package.sh)
//
// The modules behind the main entry (the loader wasm.js, error.js, link.js,
// client.js and the glue) become ONE module, OUT/emporix_optin.js: a browser
// then loads index.js, emporix_optin.js and the wasm, instead of seven files
// each paying gzip's header and an empty dictionary (bench/SIZE.md). The
// other entries (index, node, flow, element, react, i18n) stay modules of
// their own, each minified alone, with every import of a merged module
// pointed at emporix_optin.js: one module instance per page, so one hub, for
// the main entry and the subpaths alike. `new URL("./emporix_optin_bg.wasm",
// import.meta.url)` is left as written, so bundlers still find the wasm.
//
// Safe by construction: the glue is patched at one exact, checked place, and
// every entry is first bundled against the merged module itself, so an
// import of a name the merged module does not export fails the build (as it
// would fail in a browser) instead of being shipped.
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { build } from "esbuild";

const [src, out] = process.argv.slice(2).map((dir) => dir && resolve(dir));
if (!src || !out) throw new Error("usage: node scripts/bundle.mjs SRC OUT");

const GLUE = "emporix_optin.js";

// The glue's loader (`__wbg_init`, `initSync`) is replaced by wasm.js, which
// needs the import object and the step after instantiation instead. The
// glue's other exports (the wasm-bound functions and classes) stay.
const GLUE_EXPORTS = "export { initSync, __wbg_init as default };";
const LOADER_PARTS = ["function __wbg_get_imports(", "function __wbg_finalize_init("];
let glue = readFileSync(join(src, GLUE), "utf8");
for (const text of [GLUE_EXPORTS, ...LOADER_PARTS]) {
  const found = glue.split(text).length - 1;
  if (found !== 1) throw new Error(`${GLUE}: expected \`${text}\` once, found it ${found} times`);
}
glue = glue.replace(GLUE_EXPORTS, "export { __wbg_get_imports, __wbg_finalize_init };");

// Fallbacks of the glue for engines older than the package's minimum (the
// README's "Where it works": Chrome 96, Firefox 79, Safari 15, Node 20), which
// all have FinalizationRegistry (Chrome 84, Firefox 79, Safari 14.1) and
// TextEncoder.encodeInto (Chrome 74, Firefox 66, Safari 14.1), and a branch
// for a call the glue never makes. Each is cut only where the helper it
// belongs to is there (a glue without it needs no patch) and it is written
// exactly as wasm-bindgen 0.2.130 writes it; otherwise the build fails.
const PATCHES = [
  {
    what: "the FinalizationRegistry fallback",
    anchor: /typeof FinalizationRegistry/g,
    from: /\(typeof FinalizationRegistry === 'undefined'\)\n {4}\? \{ register: \(\) => \{\}, unregister: \(\) => \{\} \}\n {4}: (?=new FinalizationRegistry\()/g,
  },
  {
    what: "the TextEncoder.encodeInto polyfill",
    anchor: /'encodeInto' in/g,
    from: /\nif \(!\('encodeInto' in cachedTextEncoder\)\) \{\n {4}cachedTextEncoder\.encodeInto = function \(arg, view\) \{\n {8}const buf = cachedTextEncoder\.encode\(arg\);\n {8}view\.set\(buf\);\n {8}return \{\n {12}read: arg\.length,\n {12}written: buf\.length\n {8}\};\n {4}\};\n\}\n/g,
  },
  {
    // Every call passes wasm-bindgen's realloc (checked below).
    what: "passStringToWasm0's branch for a call without realloc",
    anchor: /if \(realloc === undefined\)/g,
    from: /(?<=function passStringToWasm0\(arg, malloc, realloc\) \{\n) {4}if \(realloc === undefined\) \{\n {8}const buf = cachedTextEncoder\.encode\(arg\);\n {8}const ptr = malloc\(buf\.length, 1\) >>> 0;\n {8}getUint8ArrayMemory0\(\)\.subarray\(ptr, ptr \+ buf\.length\)\.set\(buf\);\n {8}WASM_VECTOR_LEN = buf\.length;\n {8}return ptr;\n {4}\}\n/g,
    check: (text) => {
      const calls = text.match(/(?<!function )passStringToWasm0\([^)]*\)/g) ?? [];
      return calls.every((call) => /^passStringToWasm0\([\w$]+, wasm\.[\w$]+, wasm\.[\w$]+\)$/.test(call));
    },
  },
];
for (const { what, anchor, from, check } of PATCHES) {
  const anchors = glue.match(anchor)?.length ?? 0;
  if (anchors === 0) continue;
  const found = glue.match(from)?.length ?? 0;
  if (found !== anchors || (check && !check(glue))) {
    throw new Error(`${GLUE}: ${what} is not written as expected (${found} of ${anchors} found)`);
  }
  glue = glue.replace(from, "");
}

// The import object's functions as methods (`at(n,t){…}` instead of
// `at:function(n,t){…}`, 9 bytes each): the wasm calls them as plain
// functions, never with `new` or a `this`, and `arguments` works alike.
{
  const start = glue.indexOf("function __wbg_get_imports() {\n");
  const end = glue.indexOf("\n}\n", start);
  if (start < 0 || end < 0) throw new Error(`${GLUE}: no __wbg_get_imports() { … } found`);
  const body = glue.slice(start, end);
  const methods = body.replace(/^( {8}[\w$]+): function\(/gm, "$1(");
  if (methods === body) throw new Error(`${GLUE}: no import written as \`name: function(\``);
  glue = glue.slice(0, start) + methods + glue.slice(end);
}
writeFileSync(join(src, GLUE), glue);

// What the merged module exports: every export of the hand-written modules
// (the default being the loaded wasm's exports, for the package's own tests)
// and the glue's class the element checks configs with.
const MERGED_ENTRY = `
export * from "./wasm.js";
export { default } from "./wasm.js";
export * from "./error.js";
export * from "./link.js";
export * from "./client.js";
export { OptInClientCore } from "./${GLUE}";
`;

const common = { bundle: true, format: "esm", minify: true, write: false, logLevel: "warning", absWorkingDir: src };

const merged = await build({
  ...common,
  // The glue's own bookkeeping properties, on its objects only (the class's
  // pointer, the closures' unref hook), read and written nowhere else:
  // esbuild renames them consistently within this one module.
  mangleProps: /^(__wbg_ptr|__destroy_into_raw|_wbg_cb_unref)$/,
  stdin: { contents: MERGED_ENTRY, resolveDir: src, sourcefile: "<merged>" },
  metafile: true,
});
// The source files inside the merged module, by name (`wasm.js`, …).
const mergedFiles = new Set(
  Object.keys(merged.metafile.inputs)
    .filter((input) => input !== "<merged>")
    .map((input) => relative(src, resolve(src, input))),
);
if (!mergedFiles.has(GLUE)) throw new Error(`merged module: ${GLUE} (the glue) is not in it`);

// Imports of a merged file go to the merged module: in the real build as an
// import of ./emporix_optin.js, in the check as the merged module's source.
// Other relative imports (element.js → ./flow.js) stay as written; bare ones
// (react, node:fs/promises) are the consumer's.
function redirect({ check }) {
  return {
    name: "merged-module",
    setup(builder) {
      builder.onResolve({ filter: /.*/ }, (args) => {
        if (args.namespace === "merged") return undefined;
        if (args.kind === "entry-point") return undefined;
        const importer = relative(src, args.importer);
        if (check && mergedFiles.has(importer)) return undefined; // inside the merged module
        if (!/^\.\.?\//.test(args.path)) return { path: args.path, external: true };
        const name = relative(src, resolve(args.resolveDir, args.path));
        if (!mergedFiles.has(name)) return { path: args.path, external: true };
        return check ? { path: "merged", namespace: "merged" } : { path: `./${GLUE}`, external: true };
      });
      builder.onLoad({ filter: /.*/, namespace: "merged" }, () => ({ contents: MERGED_ENTRY, resolveDir: src }));
    },
  };
}

const entries = readdirSync(src)
  .filter((name) => name.endsWith(".js") && !mergedFiles.has(name))
  .sort();
if (!entries.includes("index.js")) throw new Error("no index.js among the entries");
const outputs = new Map([[GLUE, merged.outputFiles[0].text]]);
// Minified output with nothing but imports and one export list.
const REEXPORTS_ONLY = /^(?:import\{[^}]*\}from"[^"]*";)*export\{[^}]*\};\n?$/;
for (const entry of entries) {
  await build({ ...common, entryPoints: [entry], plugins: [redirect({ check: true })] });
  const built = await build({ ...common, entryPoints: [entry], plugins: [redirect({ check: false })], metafile: true });
  const inputs = Object.keys(built.metafile.inputs);
  if (inputs.length !== 1) throw new Error(`${entry}: bundled ${inputs.join(", ")}, expected only itself`);
  let code = built.outputFiles[0].text;
  // A module of re-exports only (index.js) as one statement: esbuild writes
  // an import per source module, all from the merged module now.
  const names = built.metafile.outputs[Object.keys(built.metafile.outputs)[0]].exports;
  if (REEXPORTS_ONLY.test(code) && names.length > 0) {
    const reexport = `export{${[...names].sort().join(",")}}from"./${GLUE}";\n`;
    await build({ ...common, stdin: { contents: reexport, resolveDir: src, sourcefile: entry }, plugins: [redirect({ check: true })] });
    code = reexport;
  }
  outputs.set(entry, code);
}

// The main entry is index.js and the merged module, nothing else.
const indexImports = [...outputs.get("index.js").matchAll(/from\s*"([^"]+)"/g)].map(
  ([, path]) => path,
);
if (indexImports.some((path) => path !== `./${GLUE}`)) {
  throw new Error(`index.js imports ${indexImports.join(", ")}: only ./${GLUE} expected`);
}

// Everything else (the declarations, the wasm, README.md) as it is.
for (const file of readdirSync(src, { withFileTypes: true })) {
  if (!file.isFile()) throw new Error(`${file.name}: only files expected in ${src} (wasm-bindgen snippets?)`);
  if (!file.name.endsWith(".js")) copyFileSync(join(src, file.name), join(out, file.name));
}
for (const [name, contents] of outputs) writeFileSync(join(out, name), contents);
console.log(
  `[bundle] ${GLUE} from ${[...mergedFiles].sort().join(", ")}; ${entries.join(", ")} minified, imports redirected`,
);
