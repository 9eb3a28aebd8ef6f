// The tarball itself: exactly the package's files, nothing from the build
// machine, a manifest that resolves, and the same bytes when built again
// elsewhere.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { gunzipSync } from "node:zlib";

const { PACKAGE_TARBALL, REPO_DIR } = process.env;
if (!PACKAGE_TARBALL || !REPO_DIR) throw new Error("run through scripts/test-package.sh");
const PKG_DIR = join(REPO_DIR, "pkg");

// What a storefront installs: the entries, the declarations, the module the
// main entry's code is merged into (the wasm-bindgen glue with the loader and
// the hand-written wrappers: scripts/bundle.mjs) and the glue's types, the
// wasm, the inline entry's copies of the modules with the wasm as base64, and
// the manifest and README.
const EXPECTED_FILES = [
  "README.md",
  "client.d.ts",
  "element.d.ts",
  "element.js",
  "emporix_optin.d.ts",
  "emporix_optin.js",
  "emporix_optin_bg.wasm",
  "flow.d.ts",
  "flow.js",
  "i18n.d.ts",
  "i18n.js",
  "index.d.ts",
  "index.js",
  "inline.d.ts",
  "inline/emporix_optin.js",
  "inline/emporix_optin_bg.wasm.js",
  "inline/index.js",
  "node.js",
  "package.json",
  "react.d.ts",
  "react.js",
];

// The activation flow's subpaths (emporix-optin/flow, /element, /react, /i18n).
const SUBPATHS = ["flow", "element", "react", "i18n"];

const run = (command, args, options) => execFileSync(command, args, { encoding: "utf8", ...options });

let unpacked;
let manifest;
before(async () => {
  unpacked = await mkdtemp(join(tmpdir(), "emporix-optin-tarball-"));
  run("tar", ["-xzf", PACKAGE_TARBALL, "-C", unpacked]);
  manifest = JSON.parse(await readFile(join(unpacked, "package/package.json"), "utf8"));
});
after(() => rm(unpacked, { recursive: true, force: true }));

const tarballFiles = () =>
  run("tar", ["-tzf", PACKAGE_TARBALL])
    .trim()
    .split("\n")
    .map((path) => path.replace(/^package\//, ""))
    .sort();

test("npm pack --dry-run lists exactly the package's files", () => {
  const [report] = JSON.parse(run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: PKG_DIR }));
  const listed = report.files.map((file) => file.path).sort();
  assert.deepEqual(listed, EXPECTED_FILES);
  for (const path of listed) {
    assert.doesNotMatch(path, /(^|\/)(target|tests?|node_modules|src)\/|\.(map|rs|tgz)$|(^|\/)\./, path);
  }
});

test("the tarball holds those files, and pkg/ is the package itself", async () => {
  assert.deepEqual(tarballFiles(), EXPECTED_FILES);
  const inPkgDir = (await readdir(PKG_DIR, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name).slice(PKG_DIR.length + 1))
    .sort();
  assert.deepEqual(inPkgDir, EXPECTED_FILES);
  for (const file of EXPECTED_FILES) {
    const packed = await readFile(join(unpacked, "package", file));
    assert.ok(packed.equals(await readFile(join(PKG_DIR, file))), `${file} in pkg/ and the tarball`);
  }
});

test("no file carries the build machine's paths or source maps", async () => {
  const machinePaths = [REPO_DIR, process.env.HOME, process.env.CARGO_HOME].filter(Boolean);
  for (const file of EXPECTED_FILES) {
    const text = (await readFile(join(unpacked, "package", file))).toString("latin1");
    for (const path of machinePaths) assert.ok(!text.includes(path), `${file} mentions ${path}`);
    assert.ok(!text.includes("sourceMappingURL"), `${file} points at a source map`);
  }
});

test("the manifest: the crate's name and version, ES modules, types first, no dependencies", () => {
  const metadata = JSON.parse(run("cargo", ["metadata", "--no-deps", "--format-version", "1"], { cwd: REPO_DIR }));
  const crate = metadata.packages.find((p) => p.name === "emporix-optin");
  assert.equal(manifest.name, "emporix-optin");
  assert.equal(manifest.version, crate.version);
  assert.equal(manifest.license, crate.license);
  assert.equal(manifest.type, "module");
  assert.deepEqual(Object.keys(manifest.exports["."]), ["types", "node", "default"]);
  assert.deepEqual(Object.keys(manifest.exports), [".", ...SUBPATHS.map((name) => `./${name}`), "./inline", "./package.json"]);
  for (const name of SUBPATHS) {
    assert.deepEqual(manifest.exports[`./${name}`], { types: `./${name}.d.ts`, default: `./${name}.js` });
  }
  assert.deepEqual(Object.keys(manifest.exports["./inline"]), ["types", "default"]);
  const entries = [
    ...Object.values(manifest.exports["."]),
    ...Object.values(manifest.exports["./inline"]),
    manifest.exports["./package.json"],
    manifest.main,
    manifest.types,
  ];
  for (const entry of entries) {
    assert.ok(EXPECTED_FILES.includes(entry.replace(/^\.\//, "")), `${entry} is packed`);
  }
  // node.js registers how Node reads the wasm when it is evaluated, and
  // element.js defines the custom element: bundlers must keep them even when
  // nothing they export is used. Every other module is pure.
  assert.deepEqual(manifest.sideEffects, ["./node.js", "./element.js"]);
  assert.ok(manifest.engines.node);
  // React only for emporix-optin/react, and optional.
  assert.deepEqual(manifest.peerDependencies, { react: ">=18" });
  assert.deepEqual(manifest.peerDependenciesMeta, { react: { optional: true } });
  for (const field of ["dependencies", "optionalDependencies", "scripts"]) {
    assert.equal(manifest[field], undefined, field);
  }
});

test("the inline entry: the browser entry's modules, no import.meta, the wasm itself embedded", async () => {
  const inline = join(unpacked, "package/inline");
  const modules = (await readdir(inline)).filter((name) => name !== "emporix_optin_bg.wasm.js").sort();
  const main = (await readdir(join(unpacked, "package")))
    .filter((name) => name.endsWith(".js") && name !== "node.js" && !SUBPATHS.includes(name.slice(0, -3)))
    .sort();
  assert.deepEqual(modules, main, "a copy of every browser module");
  for (const name of modules) {
    const source = await readFile(join(inline, name), "utf8");
    const code = source.replace(/^\s*(\/\/|\*|\/\*).*$/gm, "");
    assert.doesNotMatch(code, /import\.meta|\.wasm["']|\bimport\s*\(/, `${name} loads nothing by URL`);
    const original = await readFile(join(unpacked, "package", name), "utf8");
    // Only the wasm's source differs from the browser entry's module.
    const normalise = (text) =>
      text
        .replace('import { inlineWasm } from "./emporix_optin_bg.wasm.js";\n', "")
        .replace(/new URL\((["'])(\.\/)?emporix_optin_bg\.wasm\1,\s*import\.meta\.url\)/g, "inlineWasm()");
    assert.equal(normalise(source), normalise(original), `${name} is the browser entry's module`);
  }
  const bytesModule = await readFile(join(inline, "emporix_optin_bg.wasm.js"), "utf8");
  const [, base64] = bytesModule.match(/"([A-Za-z0-9+/=]{1000,})"/);
  const wasm = await readFile(join(unpacked, "package/emporix_optin_bg.wasm"));
  assert.ok(gunzipSync(Buffer.from(base64, "base64")).equals(wasm), "the embedded bytes are the package's wasm, gzipped");
});

test("two builds of the same sources, at different paths, give byte-identical tarballs", { timeout: 1_800_000 }, async () => {
  // The working tree as git would commit it, copied twice (so edits made
  // meanwhile cannot make the builds differ), each copy built from scratch
  // with its own target directory.
  const sources = run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO_DIR })
    .split("\0")
    .filter(Boolean);
  const root = join(REPO_DIR, "test-output/package-rebuild");
  await rm(root, { recursive: true, force: true });
  const copies = [join(root, "first"), join(root, "second-at-another-path")];
  for (const path of sources) {
    const source = await readFile(join(REPO_DIR, path)).catch((error) => {
      if (error.code === "ENOENT") return null; // deleted in the working tree
      throw error;
    });
    if (source === null) continue;
    for (const copy of copies) {
      await mkdir(join(copy, dirname(path)), { recursive: true });
      await cp(join(REPO_DIR, path), join(copy, path));
    }
  }
  const tarballs = [];
  for (const copy of copies) {
    await symlink(join(REPO_DIR, "node_modules"), join(copy, "node_modules"));
    const build = spawnSync("scripts/package.sh", [], { cwd: copy, encoding: "utf8" });
    assert.equal(build.status, 0, `scripts/package.sh in ${copy}:\n${build.stdout}${build.stderr}`);
    tarballs.push(await readFile(join(copy, "dist", `${manifest.name}-${manifest.version}.tgz`)));
  }
  assert.ok(tarballs[0].equals(tarballs[1]), "the two tarballs differ");
  await rm(root, { recursive: true, force: true });
});
