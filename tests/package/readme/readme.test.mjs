// The README shipped in the package: every code example type-checks against
// the installed package (the HTML one also runs in Chromium), and the API
// reference covers every export, option, result field, error field and error
// code that the declarations have.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
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

/** The fenced code blocks, with their language and the README line they start on. */
const blocks = [...readme.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((match) => ({
  lang: match[1],
  code: match[2],
  line: readme.slice(0, match.index).split("\n").length,
}));
const byLang = (lang) => blocks.filter((block) => block.lang === lang);
const html = byLang("html");

/** `<script type="…">` contents in an HTML example. */
function scripts(source, type) {
  return [...source.matchAll(new RegExp(`<script type="${type}">([\\s\\S]*?)</script>`, "g"))].map(
    (match) => match[1],
  );
}

test("the README has examples in every language the tests know, and only those", () => {
  assert.deepEqual([...new Set(blocks.map((block) => block.lang))].sort(), ["html", "js", "sh", "ts"]);
});

test("the install command names the package", () => {
  assert.deepEqual(byLang("sh").map((block) => block.code.trim()), [`npm install ${manifest.name}`]);
});

test("every JavaScript and TypeScript example type-checks against the package", async () => {
  const dir = join(here, "examples");
  await mkdir(dir, { recursive: true });
  for (const { lang, code, line } of [...byLang("js"), ...byLang("ts")]) {
    // A script that require()s is CommonJS; everything else is an ES module.
    const extension = lang === "ts" ? "ts" : code.includes("require(") ? "cjs" : "js";
    await writeFile(join(dir, `readme-line-${line}.${extension}`), code);
  }
  for (const [index, { code, line }] of html.entries()) {
    for (const module of scripts(code, "module")) {
      await writeFile(join(dir, `readme-line-${line}-script-${index}.js`), module);
    }
  }
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const result = spawnSync(process.execPath, [tsc, "--project", join(here, "tsconfig.json")], {
    encoding: "utf8",
  });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
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
  // A table row of the README whose first cell is `name`.
  const row = (name) => readme.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));

  const exports = Object.keys(await import("emporix-optin"));
  for (const name of exports) {
    // "### `name(…)`" for functions, "### `new Name(…)`" for classes.
    assert.match(readme, new RegExp(`^### \`(new )?${name}\\(`, "m"), `a section for ${name}`);
  }

  for (const name of ["ClientOptions", "ConfirmOptInOptions", "ResendActivationOptions"]) {
    for (const member of declarations.get(name).members) {
      const option = member.name.text;
      const cells = row(option);
      assert.ok(cells, `a row for option ${option}`);
      const documented = ts.getJSDocTags(member).find((tag) => tag.tagName.text === "default");
      if (documented) {
        const value = ts.getTextOfJSDocComment(documented.comment).trim();
        assert.ok(cells.includes(`\`${value}\``), `${option}'s default ${value} in: ${cells}`);
      }
      assert.equal(cells.includes("| required |"), !member.questionToken, `${option} required?`);
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
