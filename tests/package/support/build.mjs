// Runs a bundler's own command line in a consumer project, as its users do.
// The bundlers are the repository's pinned dev dependencies (scripts/setup.sh
// installs them once); the consumers, copied below the repository, find them
// up the tree.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const { REPO_DIR } = process.env;
if (!REPO_DIR) throw new Error("REPO_DIR is not set: run through scripts/test-package.sh");

/** The folder of the test file at `url`, without a trailing slash. */
export const projectRoot = (url) => fileURLToPath(new URL(".", url)).replace(/\/$/, "");

/**
 * Runs `node_modules/.bin/COMMAND ARGS` in `cwd`; fails the test with its
 * output unless it exits 0. Resolves to that output.
 */
export async function buildWith(command, args, cwd, { env = {} } = {}) {
  const child = spawn(`${REPO_DIR}/node_modules/.bin/${command}`, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise((resolve) => child.on("close", resolve));
  assert.equal(code, 0, `${command} ${args.join(" ")} failed:\n${output}`);
  return output;
}
