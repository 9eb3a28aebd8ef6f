// The package's declarations, checked by `tsc --strict` the way TypeScript
// projects consume them: usage.ts must compile, misuse.ts must not (each of
// its `@ts-expect-error` lines must be an error), with bundler, NodeNext and
// node10 resolution, and every type generated from the Rust side must be exported.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { before, test } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = fileURLToPath(new URL(".", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
// wasm-bindgen's loader types: the package loads the wasm itself.
const LOADER_TYPES = new Set(["InitInput", "InitOutput", "SyncInitInput"]);

function typecheck(project) {
  const result = spawnSync(process.execPath, [tsc, "--project", join(here, project)], {
    encoding: "utf8",
  });
  assert.equal(result.status, 0, `tsc --project ${project}:\n${result.stdout}${result.stderr}`);
}

let generatedTypes;
before(async () => {
  // The interfaces and type aliases wasm-bindgen and tsify generated.
  const file = join(here, "node_modules/emporix-optin/emporix_optin.d.ts");
  const source = ts.createSourceFile(file, await readFile(file, "utf8"), ts.ScriptTarget.Latest);
  generatedTypes = source.statements
    .filter((node) => ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node))
    .filter((node) => node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))
    .map((node) => node.name.text)
    .filter((name) => !LOADER_TYPES.has(name));
  await writeFile(
    join(here, "exported-types.ts"),
    `// Written by types.test.mjs from emporix_optin.d.ts: each must be importable.\n` +
      `import type { ${generatedTypes.join(", ")} } from "emporix-optin";\n` +
      `export type Generated = [${generatedTypes.join(", ")}];\n`,
  );
});

test("the generated declarations are found", () => {
  assert.ok(generatedTypes.includes("CustomerToken"), String(generatedTypes));
  assert.ok(generatedTypes.includes("OptInError"), String(generatedTypes));
});

test("tsc --strict accepts the usage and rejects the misuse (bundler resolution)", () => {
  typecheck("tsconfig.json");
});

test("tsc --strict accepts the usage and rejects the misuse (NodeNext, with CommonJS)", () => {
  typecheck("tsconfig.nodenext.json");
});

test("tsc --strict accepts the usage and rejects the misuse (node10, without exports)", () => {
  typecheck("tsconfig.node10.json");
});
