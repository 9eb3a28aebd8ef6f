// The README shipped in the package: every code example type-checks against
// the installed package (the HTML one also runs in Chromium), and the API
// reference covers every export, option, result field, error field and error
// code that the declarations have. The repository's own README.md, which
// shows the package too, must have examples that type-check as well.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { useChromium } from "../support/chromium.mjs";
import { serve } from "../support/server.mjs";

const here = fileURLToPath(new URL(".", import.meta.url)).replace(/\/$/, "");
const installed = join(here, "node_modules/emporix-optin");
const readme = await readFile(join(installed, "README.md"), "utf8");
const manifest = JSON.parse(await readFile(join(installed, "package.json"), "utf8"));
// This folder is tests/package/readme/ in the repository, and its copy
// test-output/package/readme/ when the tests run: the root is three up.
const repositoryReadme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");

/** The fenced code blocks of `markdown`, with their language and the line they start on. */
const codeBlocks = (markdown) =>
  [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((match) => ({
    lang: match[1],
    code: match[2],
    line: markdown.slice(0, match.index).split("\n").length,
  }));
const blocks = codeBlocks(readme);
const byLang = (lang) => blocks.filter((block) => block.lang === lang);
const html = byLang("html");

/**
 * Writes the JavaScript and TypeScript `examples` into `dir`, and type-checks
 * them with the tsc `project` that includes that folder.
 */
async function typecheck(examples, dir, project) {
  await rm(join(here, dir), { recursive: true, force: true });
  await mkdir(join(here, dir), { recursive: true });
  for (const { lang, code, name } of examples) {
    // A script that require()s is CommonJS; everything else is an ES module.
    const extension = lang === "ts" || lang === "tsx" ? lang : code.includes("require(") ? "cjs" : "js";
    await writeFile(join(here, dir, `${name}.${extension}`), code);
  }
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const result = spawnSync(process.execPath, [tsc, "--project", join(here, project)], {
    encoding: "utf8",
  });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
}

/** `<script type="…">` contents in an HTML example. */
function scripts(source, type) {
  return [...source.matchAll(new RegExp(`<script type="${type}">([\\s\\S]*?)</script>`, "g"))].map(
    (match) => match[1],
  );
}

test("the README has examples in every language the tests know, and only those", () => {
  assert.deepEqual([...new Set(blocks.map((block) => block.lang))].sort(), ["html", "js", "sh", "ts", "tsx"]);
});

test("the install command names the package", () => {
  assert.deepEqual(byLang("sh").map((block) => block.code.trim()), [`npm install ${manifest.name}`]);
});

test("every JavaScript and TypeScript example type-checks against the package", async () => {
  const examples = [...byLang("js"), ...byLang("ts"), ...byLang("tsx")].map((block) => ({
    ...block,
    name: `readme-line-${block.line}`,
  }));
  for (const [index, { code, line }] of html.entries()) {
    for (const module of scripts(code, "module")) {
      examples.push({ lang: "js", code: module, name: `readme-line-${line}-script-${index}` });
    }
  }
  await typecheck(examples, "examples", "tsconfig.json");
});

test("every JavaScript and TypeScript example of the repository's README type-checks too", async () => {
  const examples = codeBlocks(repositoryReadme)
    .filter((block) => block.lang === "js" || block.lang === "ts")
    .map((block) => ({ ...block, name: `repository-readme-line-${block.line}` }));
  assert.ok(examples.length > 0, "README.md has examples");
  await typecheck(examples, "repository-examples", "tsconfig.repository.json");
});

test("every row of \"Where it works\" names consumer tests that exist, and the versions they run", async () => {
  const start = readme.indexOf("### Where it works");
  const table = readme
    .slice(start, readme.indexOf("\n\n", readme.indexOf("| --- |", start)))
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| Environment") && !line.startsWith("| ---"));
  assert.ok(table.length >= 10, `the table's rows: ${table.length}`);
  const consumers = await readdir(join(here, ".."), { withFileTypes: true });
  for (const row of table) {
    const tests = [...row.split("|").at(-2).matchAll(/`([\w-]+)`/g)].map((match) => match[1]);
    assert.ok(tests.length > 0, `a test named in: ${row}`);
    for (const name of tests) {
      const folder = consumers.find((entry) => entry.isDirectory() && entry.name === name);
      assert.ok(folder, `tests/package/${name} (named in: ${row})`);
      const files = await readdir(join(here, "..", name));
      assert.ok(files.some((file) => /\.test\.c?mjs$|\.test\.cjs$/.test(file)), `tests/package/${name} has tests`);
    }
  }
  // The tested versions are the repository's pinned dev dependencies.
  const { devDependencies } = JSON.parse(await readFile(new URL("../../../package.json", import.meta.url), "utf8"));
  const tools = { Vite: "vite", webpack: "webpack", Parcel: "parcel", "Next.js": "next", esbuild: "esbuild", Rollup: "rollup", TypeScript: "typescript" };
  for (const [tool, name] of Object.entries(tools)) {
    const version = devDependencies[name];
    assert.ok(version, `${name} is a dev dependency`);
    const rows = table.filter((row) => row.includes(`| ${tool} ${version.split(".")[0]}`));
    assert.ok(rows.length > 0, `a row with ${tool} ${version.split(".")[0]} as the minimum`);
    for (const row of rows) assert.ok(row.includes(`(${version}`), `${tool} tested at ${version}: ${row}`);
  }
});

const browser = useChromium();
let server;
before(async () => {
  server = await serve(here);
});
after(() => server?.close());

test("the HTML example loads the package through its import map and warms the wasm", async () => {
  assert.equal(html.length, 1);
  const [{ code }] = html;
  const importMap = JSON.parse(scripts(code, "importmap")[0]);
  assert.equal(importMap.imports[manifest.name], `/node_modules/${manifest.name}/index.js`);

  await writeFile(join(here, "html-example.html"), `<!doctype html>\n${code}`);
  const page = await browser().newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  const wasm = page.waitForResponse((response) => response.url().endsWith(".wasm"));
  await page.goto(`${server.url}html-example.html`);
  assert.equal((await wasm).status(), 200, "init() fetched the wasm");
  // The same module instance, through the same import map, finishes the load.
  await page.evaluate((name) => import(name).then((optin) => optin.init()), manifest.name);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the API reference covers every export, option, field and error code", async () => {
  const file = join(installed, "emporix_optin.d.ts");
  const source = ts.createSourceFile(file, await readFile(file, "utf8"), ts.ScriptTarget.Latest, true);
  const declarations = new Map(
    source.statements
      .filter((node) => ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node))
      .map((node) => [node.name.text, node]),
  );
  // A table row of `text` (the whole README by default) whose first cell is `name`.
  const row = (name, text = readme) =>
    text.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));
  // The README from the heading that starts with `heading` to the next heading.
  const section = (heading) => {
    const start = readme.split("\n").findIndex((line) => line.startsWith(heading));
    assert.ok(start >= 0, `a heading ${heading}`);
    const lines = readme.split("\n").slice(start);
    const end = lines.findIndex((line, index) => index > 0 && /^#+ /.test(line));
    return lines.slice(0, end < 0 ? undefined : end).join("\n");
  };

  const exports = Object.keys(await import("emporix-optin"));
  for (const name of exports) {
    // "### `name(…)`" for functions, "### `new Name(…)`" for classes.
    assert.match(readme, new RegExp(`^### \`(new )?${name}\\(`, "m"), `a section for ${name}`);
  }
  const client = join(installed, "client.d.ts");
  const clientSource = ts.createSourceFile(client, await readFile(client, "utf8"), ts.ScriptTarget.Latest);
  const methods = clientSource.statements
    .filter((node) => ts.isClassDeclaration(node) && node.name.text === "OptInClient")
    .flatMap((node) => node.members.filter(ts.isMethodDeclaration))
    .map((method) => method.name.text);
  assert.deepEqual(methods, ["confirmOptIn", "resendActivation"]);
  for (const method of methods) {
    assert.match(readme, new RegExp(`^#### \`client\\.${method}\\(`, "m"), `a section for ${method}`);
  }

  // Each options type and the section whose table lists its own members.
  const optionTables = {
    ClientOptions: "### `confirmOptIn(",
    ConfirmOptInOptions: "### `confirmOptIn(",
    ResendActivationOptions: "### `resendActivation(",
    OptInClientConfig: "### `new OptInClient(",
    CallOptions: "#### `client.resendActivation(",
  };
  for (const [name, heading] of Object.entries(optionTables)) {
    const table = section(heading);
    for (const member of declarations.get(name).members) {
      const option = member.name.text;
      const cells = row(option, table);
      assert.ok(cells, `a row for option ${name}.${option} under ${heading}`);
      const documented = ts.getJSDocTags(member).find((tag) => tag.tagName.text === "default");
      if (documented) {
        const value = ts.getTextOfJSDocComment(documented.comment).trim();
        // A value is shown as code; a default in words (with code in it) as it is.
        const shown = value.includes("`") ? value : `\`${value}\``;
        assert.ok(cells.includes(shown), `${name}.${option}'s default ${value} in: ${cells}`);
      }
      assert.equal(cells.includes("| required |"), !member.questionToken, `${name}.${option} required?`);
    }
  }

  for (const name of ["CustomerToken", "ErrorFields", "ErrorDetail"]) {
    for (const member of declarations.get(name).members) {
      assert.ok(readme.includes(`\`${member.name.text}\``), `${name}.${member.name.text}`);
    }
  }
  for (const name of ["CustomerToken", "ErrorFields"]) {
    for (const member of declarations.get(name).members) {
      assert.ok(row(member.name.text), `a row for ${name}.${member.name.text}`);
    }
  }

  const codes = declarations.get("ErrorCode").type.types.map((type) => type.literal.text);
  assert.ok(codes.length > 0);
  for (const code of codes) assert.ok(row(code), `a row for error code ${code}`);
});
