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

/**
 * Starts `node_modules/.bin/COMMAND ARGS` in `cwd` as a server and resolves,
 * once `url` answers, to `close()`, which stops it and everything it started.
 */
export async function startServer(command, args, cwd, url, { env = {}, timeoutMs = 60_000 } = {}) {
  const child = spawn(`${REPO_DIR}/node_modules/.bin/${command}`, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true, // its own process group, so that close() stops its workers too
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  process.once("exit", stop);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} exited (${child.exitCode}):\n${output}`);
    const answered = await fetch(url).then((response) => response.ok, () => false);
    if (answered) break;
    if (Date.now() > deadline) {
      stop();
      throw new Error(`${command} did not answer at ${url} in ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    output: () => output,
    close: async () => {
      stop();
      if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

/** A free loopback port. */
export async function freePort() {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
