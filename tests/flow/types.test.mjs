// The subpaths' TypeScript declarations (flow.d.ts, element.d.ts, react.d.ts,
// i18n.d.ts in pkg/) under tsc --strict with each module resolution a
// storefront may use; types/usage.ts also holds misuse that must not compile.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, rm, symlink, writeFile, copyFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");
const WORK = join(REPO, "test-output/flow-types");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

for (const [resolution, module] of [["bundler", "esnext"], ["nodenext", "nodenext"], ["node10", "commonjs"]]) {
  test(`tsc --strict, moduleResolution ${resolution}: the usage compiles and the misuse does not`, async () => {
    const dir = join(WORK, resolution);
    await rm(dir, { recursive: true, force: true });
    await mkdir(join(dir, "node_modules"), { recursive: true });
    await symlink(join(REPO, "pkg"), join(dir, "node_modules/emporix-optin"));
    await copyFile(join(REPO, "tests/flow/types/usage.ts"), join(dir, "usage.ts"));
    // nodenext needs an ES module to import ES modules; node10 leaves that to the bundler.
    await writeFile(join(dir, "package.json"), JSON.stringify({ type: resolution === "node10" ? "commonjs" : "module" }));
    const config = {
      compilerOptions: {
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        target: "es2022",
        lib: ["es2022", "dom"],
        module,
        moduleResolution: resolution,
        types: [],
        ...(resolution === "node10" ? { ignoreDeprecations: "5.0" } : {}),
      },
      files: ["usage.ts"],
    };
    await writeFile(join(dir, "tsconfig.json"), JSON.stringify(config, null, 2));
    const result = spawnSync(process.execPath, [tsc, "--project", join(dir, "tsconfig.json")], { encoding: "utf8" });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  });
}
