// `make bench`: the library against a hand-written JavaScript baseline
// (bench/web/baseline.js), side by side in one run of headless Chromium,
// against the sandbox on 127.0.0.1. Writes bench/RESULTS.md.
//   node bench/run.mjs MEMORY_JSON PKG_DIR
// as scripts/bench.sh runs it: with bench/memory.mjs's output, against a
// sandbox serving bench/web/ at / and PKG_DIR (a copy of pkg/) at /pkg/.
// BENCH_QUICK=1 divides every count by 10, to try the benchmark out: it prints
// the report without writing it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import os from "node:os";
import { extname, join, resolve } from "node:path";
import { launchChromium } from "../tests/support/chromium.mjs";
import { build } from "vite";
import { browserEntry, compressedSizes, measure } from "./size.mjs";

const { SANDBOX_URL } = process.env;
assert.ok(SANDBOX_URL, "run through scripts/bench.sh, which starts the sandbox");
const [memoryJson, PKG_DIR] = process.argv.slice(2);
assert.ok(memoryJson && PKG_DIR, "usage: node bench/run.mjs MEMORY_JSON PKG_DIR");
// The hardening workload's memory measures, from bench/memory.mjs.
const workload = JSON.parse(readFileSync(memoryJson, "utf8"));
const QUICK = process.env.BENCH_QUICK === "1";
const scaled = (n) => (QUICK ? Math.ceil(n / 10) : n);
const COUNTS = {
  initLoads: scaled(30),
  warmupCalls: scaled(50),
  latencyCalls: scaled(1000),
  concurrentCalls: scaled(1000),
  throughputRounds: 3,
  cpuRounds: 5,
  cpuCalls: scaled(5000),
  memoryWarmupCalls: scaled(200),
  memoryCalls: scaled(10_000),
};
const TARGETS = {
  // Issue #10: at most 28 KB (28,672 bytes) gzip, the goal 25 KB (25,600 bytes).
  gzipBytes: 28 * 1024,
  goalGzipBytes: 25 * 1024,
  clientCostRatio: 2,
  latencyRatio: 1.05,
  warmInitMs: 10,
  memoryGrowthBytes: 64 * 1024,
};
const TENANT = "benchshop";
const LIBRARY = "/pkg/index.js";
const BASELINE = "/baseline.js";
const RESULTS = new URL("RESULTS.md", import.meta.url);

// ---- Statistics ----------------------------------------------------------------

const sorted = (values) => [...values].sort((a, b) => a - b);
const percentile = (values, p) => {
  const s = sorted(values);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const median = (values) => {
  const s = sorted(values);
  const middle = s.length >> 1;
  return s.length % 2 ? s[middle] : (s[middle - 1] + s[middle]) / 2;
};

// ---- The sandbox ----------------------------------------------------------------

async function sandbox(path, body) {
  const response = await fetch(`${SANDBOX_URL}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.ok(response.ok, `POST ${path}: ${response.status}`);
  return response.json();
}

const run = randomUUID().slice(0, 8);
let registered = 0;

/** `count` fresh opt-in tokens of pending customers, registered 16 at a time. */
async function freshTokens(count) {
  const tokens = Array.from({ length: count }, () => `bench-${run}-${registered++}`);
  for (let i = 0; i < tokens.length; i += 16) {
    await Promise.all(
      tokens.slice(i, i + 16).map((token) =>
        sandbox("/sandbox/optin-tokens", { tenant: TENANT, email: `${token}@example.com`, token }),
      ),
    );
  }
  return tokens;
}

// ---- Sizes as a storefront ships them ---------------------------------------------

/**
 * What a Vite production build of a page that imports `entry` emits: the
 * JavaScript (bundled, minified) and the wasm, summed by kind.
 */
async function viteBuildSizes(entry) {
  const root = mkdtempSync(join(os.tmpdir(), "bench-vite-"));
  try {
    writeFileSync(join(root, "index.html"), '<!doctype html><script type="module" src="./main.js"></script>\n');
    writeFileSync(
      join(root, "main.js"),
      `import { confirmOptIn, resendActivation } from ${JSON.stringify(resolve(entry))};\n` +
        "window.optIn = { confirmOptIn, resendActivation };\n",
    );
    const { output } = await build({ root, configFile: false, logLevel: "silent", build: { write: false } });
    const sizes = { js: { raw: 0, gzip: 0, brotli: 0 }, wasm: { raw: 0, gzip: 0, brotli: 0 } };
    for (const file of output) {
      const kind = file.fileName.endsWith(".js") ? "js" : file.fileName.endsWith(".wasm") ? "wasm" : undefined;
      if (!kind) continue;
      const measured = compressedSizes(Buffer.from(file.type === "chunk" ? file.code : file.source));
      for (const key of Object.keys(measured)) sizes[kind][key] += measured[key];
    }
    return sizes;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

// ---- A static server for the init measurements ------------------------------------

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

/**
 * Serves bench/web/ at / and pkg/ at /pkg/ the way a storefront serves its
 * fingerprinted assets: cacheable for a year, so a warm cache makes no request
 * at all. (The sandbox sends `no-cache`, so every warm load would revalidate.)
 */
async function immutableServer() {
  const server = createServer((request, response) => {
    const path = new URL(request.url, "http://localhost").pathname;
    const file = path.startsWith("/pkg/")
      ? join(PKG_DIR, path.slice("/pkg/".length))
      : join("bench/web", path === "/" ? "index.html" : path);
    let body;
    try {
      body = path.includes("..") ? undefined : readFileSync(file);
    } catch {}
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
      "Cache-Control": "public, max-age=31536000, immutable",
    });
    response.end(body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

// ---- The browser ------------------------------------------------------------------

const browser = await launchChromium();

const pageErrors = [];

/** A page of `context` on the bench page of `origin`; its errors fail the run. */
async function openPage(context, origin = SANDBOX_URL) {
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${origin}/`);
  return page;
}

/** A page with both sides imported and ready, as `window.sides`. */
async function benchPage(context) {
  const page = await openPage(context);
  await page.evaluate(
    async ([library, baseline]) => {
      const sides = { library: await import(library), baseline: await import(baseline) };
      await sides.library.init();
      window.sides = sides;
    },
    [LIBRARY, BASELINE],
  );
  return page;
}

/** Milliseconds from the first import of `url` to its first call being ready. */
const timeInit = (page, url) =>
  page.evaluate(async (url) => {
    const start = performance.now();
    const module = await import(url);
    await module.init?.();
    return performance.now() - start;
  }, url);

/**
 * Median init times of `url` over fresh page loads from `origin`: cold (a new
 * browser context each time, so an empty HTTP cache) and warm (loads in one
 * context whose cache already holds the files).
 */
async function initTimes(origin, url) {
  const cold = [];
  for (let i = 0; i < COUNTS.initLoads; i++) {
    const context = await browser.newContext();
    cold.push(await timeInit(await openPage(context, origin), url));
    await context.close();
  }
  const context = await browser.newContext();
  const page = await openPage(context, origin);
  await timeInit(page, url); // fills the cache
  const warm = [];
  for (let i = 0; i < COUNTS.initLoads; i++) {
    await page.goto(`${origin}/`);
    warm.push(await timeInit(page, url));
  }
  await context.close();
  return { cold: median(cold), warm: median(warm) };
}

/** Per-call milliseconds of sequential `confirmOptIn`s, the sides taking turns. */
function interleavedLatency(page, tokens, options) {
  return page.evaluate(
    async ({ tokens, options }) => {
      const times = { library: [], baseline: [] };
      for (let i = 0; i < tokens.library.length; i++) {
        for (const side of ["library", "baseline"]) {
          const start = performance.now();
          await window.sides[side].confirmOptIn({ ...options, token: tokens[side][i] });
          times[side].push(performance.now() - start);
        }
      }
      return times;
    },
    { tokens, options },
  );
}

/** Milliseconds until every one of concurrent `confirmOptIn`s has settled. */
function concurrentRound(page, side, tokens, options) {
  return page.evaluate(
    async ({ side, tokens, options }) => {
      const start = performance.now();
      const results = await Promise.allSettled(
        tokens.map((token) => window.sides[side].confirmOptIn({ ...options, token })),
      );
      const ms = performance.now() - start;
      const failures = results.filter((r) => r.status === "rejected").map((r) => r.reason?.code);
      return { ms, settled: results.length, failures };
    },
    { side, tokens, options },
  );
}

/**
 * Microseconds of client-side work per `confirmOptIn`, median of rounds per
 * side (sides alternating): `fetch` is replaced in the page by one that
 * answers at once with the sandbox's success body, so only what each side
 * does around the request is timed.
 */
async function clientCost(body, options) {
  const context = await browser.newContext();
  const page = await benchPage(context);
  const rounds = await page.evaluate(
    async ({ body, options, counts }) => {
      window.fetch = async () => new Response(body, { status: 200, headers: { "Content-Type": "application/json" } });
      const run = async (side, tag) => {
        const start = performance.now();
        for (let i = 0; i < counts.cpuCalls; i++) {
          await window.sides[side].confirmOptIn({ ...options, token: `${tag}-${i}` });
        }
        return ((performance.now() - start) / counts.cpuCalls) * 1000;
      };
      const rounds = { library: [], baseline: [] };
      for (const side of ["library", "baseline"]) await run(side, "warm-up");
      for (let round = 0; round < counts.cpuRounds; round++) {
        for (const side of ["library", "baseline"]) rounds[side].push(await run(side, `round${round}`));
      }
      return rounds;
    },
    { body, options, counts: COUNTS },
  );
  await context.close();
  return { library: median(rounds.library), baseline: median(rounds.baseline) };
}

/** The page's JavaScript heap in use after a full garbage collection. */
async function jsHeapBytes(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  await cdp.detach();
  return usedSize;
}

/** Wasm memory and JS heap of `side` after warm-up calls and after many more. */
async function memoryGrowth(side, options) {
  const context = await browser.newContext();
  const page = await benchPage(context);
  const calls = (tokens) =>
    page.evaluate(
      async ({ side, tokens, options }) => {
        for (const token of tokens) await window.sides[side].confirmOptIn({ ...options, token });
      },
      { side, tokens, options },
    );
  const wasmBytes = () =>
    page.evaluate(async () => (await (await import("/pkg/emporix_optin.js")).default()).memory.buffer.byteLength);
  await calls(await freshTokens(COUNTS.memoryWarmupCalls));
  const before = { wasm: side === "library" ? await wasmBytes() : undefined, heap: await jsHeapBytes(page) };
  await calls(await freshTokens(COUNTS.memoryCalls));
  const after = { wasm: side === "library" ? await wasmBytes() : undefined, heap: await jsHeapBytes(page) };
  await context.close();
  return { before, after };
}

// ---- The run ----------------------------------------------------------------------

const startedAt = new Date();
const loadBefore = os.loadavg();
const { access_token: anonymousToken } = await sandbox("/sandbox/anonymous-token", { tenant: TENANT });
const options = { tenant: TENANT, anonymousToken, baseUrl: SANDBOX_URL };

console.log("[bench] sizes");
const librarySize = measure(browserEntry(PKG_DIR));
const baselineSize = measure("bench/web/baseline.js");
const libraryBuilt = await viteBuildSizes(browserEntry(PKG_DIR));
const baselineBuilt = await viteBuildSizes("bench/web/baseline.js");

console.log("[bench] init");
const assets = await immutableServer();
const init = {};
for (const [side, url] of [["library", LIBRARY], ["baseline", BASELINE]]) {
  init[side] = {
    immutable: await initTimes(assets.url, url),
    revalidated: (await initTimes(SANDBOX_URL, url)).warm,
  };
}
assets.close();

console.log("[bench] latency");
const context = await browser.newContext();
const page = await benchPage(context);
await interleavedLatency(
  page,
  { library: await freshTokens(COUNTS.warmupCalls), baseline: await freshTokens(COUNTS.warmupCalls) },
  options,
);
const latencyTimes = await interleavedLatency(
  page,
  { library: await freshTokens(COUNTS.latencyCalls), baseline: await freshTokens(COUNTS.latencyCalls) },
  options,
);
const latency = Object.fromEntries(
  Object.entries(latencyTimes).map(([side, times]) => [
    side,
    { median: median(times), p95: percentile(times, 95) },
  ]),
);

console.log("[bench] throughput");
const rounds = { library: [], baseline: [] };
for (let round = 0; round < COUNTS.throughputRounds; round++) {
  for (const side of ["library", "baseline"]) {
    const result = await concurrentRound(page, side, await freshTokens(COUNTS.concurrentCalls), options);
    assert.equal(result.settled, COUNTS.concurrentCalls);
    assert.deepEqual(result.failures, [], `${side}: every concurrent call confirms its token`);
    rounds[side].push(result.ms);
  }
}
await context.close();
const throughput = { library: median(rounds.library), baseline: median(rounds.baseline) };

console.log("[bench] client-side cost");
const [sampleToken] = await freshTokens(1);
const confirmed = await fetch(`${SANDBOX_URL}/customer/${TENANT}/signup/optin/${sampleToken}`, {
  headers: { Authorization: `Bearer ${anonymousToken}` },
});
assert.equal(confirmed.status, 200);
const successBody = await confirmed.text();
const cpu = await clientCost(successBody, options);

console.log("[bench] memory");
const memory = {
  library: await memoryGrowth("library", options),
  baseline: await memoryGrowth("baseline", options),
};

const browserVersion = browser.version();
await browser.close();
assert.deepEqual(pageErrors, [], "uncaught errors in the bench page");
const loadAfter = os.loadavg();

// ---- RESULTS.md -------------------------------------------------------------------

const ratio = (a, b) => a / b;
const fmt = (n) => n.toLocaleString("en-US");
const latencyRatio = ratio(latency.library.median, latency.baseline.median);
const memoryGrowthBytes = workload.growth.memoryBytes;
const clientCostRatio = ratio(cpu.library, cpu.baseline);
const checks = [
  [
    `wasm + JavaScript the browser loads ≤ ${fmt(TARGETS.gzipBytes)} bytes gzip (28 KB)`,
    `${fmt(librarySize.total.gzip)} bytes`,
    librarySize.total.gzip <= TARGETS.gzipBytes,
  ],
  [
    `the same, goal: ≤ ${fmt(TARGETS.goalGzipBytes)} bytes gzip (25 KB)`,
    `${fmt(librarySize.total.gzip)} bytes`,
    librarySize.total.gzip <= TARGETS.goalGzipBytes,
  ],
  [
    `client-side cost (\`fetch\` stubbed) ≤ ${TARGETS.clientCostRatio}× the baseline's`,
    `${clientCostRatio.toFixed(2)}× (${cpu.library.toFixed(1)} vs ${cpu.baseline.toFixed(1)} µs)`,
    clientCostRatio <= TARGETS.clientCostRatio,
  ],
  [
    `\`confirmOptIn\` median latency ≤ ${TARGETS.latencyRatio}× the baseline's`,
    `${latencyRatio.toFixed(3)}×`,
    latencyRatio <= TARGETS.latencyRatio,
  ],
  [
    `init ≤ ${TARGETS.warmInitMs} ms median, warm cache`,
    `${init.library.immutable.warm.toFixed(1)} ms`,
    init.library.immutable.warm <= TARGETS.warmInitMs,
  ],
  [
    `wasm memory growth ≤ ${TARGETS.memoryGrowthBytes / 1024} KiB over ${fmt(workload.calls)} calls`,
    `${fmt(memoryGrowthBytes)} bytes`,
    memoryGrowthBytes <= TARGETS.memoryGrowthBytes,
  ],
];

const ms = (n) => n.toFixed(2);
const row = (cells) => `| ${cells.join(" | ")} |`;
const sizeRows = [
  ["library: wasm", librarySize.wasm],
  ["library: JavaScript (glue and wrappers)", librarySize.js],
  ["**library: total**", librarySize.total],
  ["**baseline: total** (one script, no wasm)", baselineSize.total],
].map(([what, s]) => row([what, fmt(s.raw), fmt(s.gzip), fmt(s.brotli)]));
const fileRows = librarySize.files.map((f) => row([`\`${f.file}\``, fmt(f.raw), fmt(f.gzip), fmt(f.brotli)]));
const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
const dirty = execFileSync("git", ["status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock", "pkg-template"], {
  encoding: "utf8",
}).trim();

const report = `# Benchmark results

Written by \`make bench\` (\`scripts/bench.sh\` → \`bench/run.mjs\`); do not edit by hand.

- Date: ${startedAt.toISOString()} (run took ${Math.round((Date.now() - startedAt) / 1000)} s)
- Commit: ${commit}${dirty ? " with uncommitted changes to the library" : ""}
- Machine: ${os.cpus()[0].model}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}
- Browser: Chromium ${browserVersion}, headless, via playwright-core; Node ${process.version}
- Load average (1 min) at start and end: ${loadBefore[0].toFixed(2)} and ${loadAfter[0].toFixed(2)}. The machine is shared
  (other builds may run): compare the two sides of one run, measured side by side, rather than runs.
- Server: the sandbox (a debug build) on 127.0.0.1, same origin as the page, so no CORS preflights;
  absolute latencies are mostly its time, identical for both sides.
- Baseline: \`bench/web/baseline.js\`, the same two calls by hand (fetch with the same options,
  \`JSON.parse\`, the same status mapping); no validation, lenient decoding or deduplication.

## Targets

${row(["target", "measured", "result"])}
${row(["---", "---:", "---"])}
${checks.map(([target, value, pass]) => row([target, value, pass ? "pass" : "**miss**"])).join("\n")}

## Size

What a browser downloads: everything the package's browser entry loads (\`index.js\`, its static
imports and the wasm), each file compressed on its own. Bytes.

${row(["", "raw", "gzip -9", "brotli -11"])}
${row(["---", "---:", "---:", "---:"])}
${sizeRows.join("\n")}

The same, as a storefront ships it: a Vite production build of a page that imports
\`confirmOptIn\` and \`resendActivation\` (JavaScript bundled and minified, wasm emitted as an asset).

${row(["", "raw", "gzip -9", "brotli -11"])}
${row(["---", "---:", "---:", "---:"])}
${[
  ["library: wasm", libraryBuilt.wasm],
  ["library: JavaScript", libraryBuilt.js],
  ["baseline: JavaScript", baselineBuilt.js],
]
  .map(([what, s]) => row([what, fmt(s.raw), fmt(s.gzip), fmt(s.brotli)]))
  .join("\n")}

Library files as packaged:

${row(["file", "raw", "gzip -9", "brotli -11"])}
${row(["---", "---:", "---:", "---:"])}
${fileRows.join("\n")}

Where the bytes go, and what was done about them: \`bench/SIZE.md\`.

## Init

From the first \`import()\` to the first call being ready (the library's \`init()\` has fetched,
compiled and instantiated the wasm), median of ${COUNTS.initLoads} fresh page loads each. Cold: a new
browser context each time (empty HTTP cache). Warm: loads in one context whose cache holds the
files, served as a storefront serves fingerprinted assets (\`max-age\` a year, \`immutable\`: no
request at all) by a static server in \`bench/run.mjs\`; and, for comparison, as the sandbox serves
them (\`no-cache\`: every file revalidated, answered 304).

${row(["ms", "library", "baseline"])}
${row(["---", "---:", "---:"])}
${row(["cold cache", ms(init.library.immutable.cold), ms(init.baseline.immutable.cold)])}
${row(["warm cache", ms(init.library.immutable.warm), ms(init.baseline.immutable.warm)])}
${row(["warm cache, revalidated", ms(init.library.revalidated), ms(init.baseline.revalidated)])}

## Latency

${fmt(COUNTS.latencyCalls)} sequential \`confirmOptIn\` calls per side, each with a fresh token, taking
turns (library, baseline, library, …) after ${COUNTS.warmupCalls} warm-up calls each; ms per call.
Chromium coarsens \`performance.now()\` to 0.1 ms in pages that are not cross-origin isolated.

${row(["ms", "library", "baseline", "library ÷ baseline", "library − baseline"])}
${row(["---", "---:", "---:", "---:", "---:"])}
${row(["median", ms(latency.library.median), ms(latency.baseline.median), `${latencyRatio.toFixed(3)}×`, ms(latency.library.median - latency.baseline.median)])}
${row(["p95", ms(latency.library.p95), ms(latency.baseline.p95), `${ratio(latency.library.p95, latency.baseline.p95).toFixed(3)}×`, ms(latency.library.p95 - latency.baseline.p95)])}

### Client-side cost

The same call with \`fetch\` replaced in the page by one that answers at once with the sandbox's
success body (${successBody.length} bytes), so only the work around the request is timed: median of
${COUNTS.cpuRounds} rounds of ${fmt(COUNTS.cpuCalls)} sequential calls per side, sides alternating; µs per call.

${row(["", "library", "baseline", "library ÷ baseline", "library − baseline"])}
${row(["---", "---:", "---:", "---:", "---:"])}
${row(["µs per call", cpu.library.toFixed(1), cpu.baseline.toFixed(1), `${clientCostRatio.toFixed(2)}×`, (cpu.library - cpu.baseline).toFixed(1)])}

## Throughput

${fmt(COUNTS.concurrentCalls)} concurrent \`confirmOptIn\` calls (distinct tokens), started together; time until
all have settled, median of ${COUNTS.throughputRounds} rounds per side (sides alternating). Every call of every
round confirmed its token. Chromium sends at most 6 at a time over HTTP/1.1.

${row(["", "library", "baseline", "library ÷ baseline"])}
${row(["---", "---:", "---:", "---:"])}
${row(["ms to settle all", ms(throughput.library), ms(throughput.baseline), `${ratio(throughput.library, throughput.baseline).toFixed(3)}×`])}
${row(["calls per second", Math.round((COUNTS.concurrentCalls / throughput.library) * 1000), Math.round((COUNTS.concurrentCalls / throughput.baseline) * 1000), ""])}

## Memory

The hardening suite's workload (\`tests/hardening/memory.mjs\`, through \`bench/memory.mjs\`):
${fmt(workload.calls)} sequential calls in one page cycling through every outcome
(${Object.entries(workload.outcomes).map(([code, n]) => `${code} ${fmt(n)}`).join(", ")}),
measured after ${fmt(workload.warmup)} warm-up calls and at the end. The wasm memory never shrinks,
so its growth is what the calls kept or fragmented; held values and table slots count the
externref table's entries (a leaked JavaScript value or slot shows there).

${row(["library", "after warm-up", "at the end", "growth", "limit"])}
${row(["---", "---:", "---:", "---:", "---:"])}
${Object.keys(workload.limits)
  .map((measure) =>
    row([measure, fmt(workload.before[measure]), fmt(workload.after[measure]), fmt(workload.growth[measure]), fmt(workload.limits[measure])]),
  )
  .join("\n")}

Side by side, \`confirmOptIn\` only: a fresh page per side, ${COUNTS.memoryWarmupCalls} warm-up calls, then
${fmt(COUNTS.memoryCalls)} sequential calls; the JavaScript heap after a forced garbage collection.

${row(["bytes", "library", "baseline"])}
${row(["---", "---:", "---:"])}
${row(["\`WebAssembly.Memory\` after warm-up", fmt(memory.library.before.wasm), "no wasm"])}
${row([`\`WebAssembly.Memory\` after ${fmt(COUNTS.memoryCalls)} calls`, fmt(memory.library.after.wasm), "no wasm"])}
${row(["JS heap after warm-up", fmt(memory.library.before.heap), fmt(memory.baseline.before.heap)])}
${row([`JS heap after ${fmt(COUNTS.memoryCalls)} calls`, fmt(memory.library.after.heap), fmt(memory.baseline.after.heap)])}
`;

console.log(report);
if (!QUICK) writeFileSync(RESULTS, report);
