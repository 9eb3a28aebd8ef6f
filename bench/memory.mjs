// The memory part of `make bench`: the hardening suite's workload
// (tests/hardening/memory.mjs: sequential calls cycling through success,
// errors, timeouts and aborts, measuring the wasm instance after a warm-up and
// at the end), written as JSON for bench/run.mjs. It needs the lab page, so
// scripts/bench.sh runs it against a sandbox of its own:
//   scripts/with-sandbox.sh --static-dir tests/hardening/lab --pkg-dir pkg -- node bench/memory.mjs OUT.json
import { writeFileSync } from "node:fs";
import { LIMITS, runWorkload } from "../tests/hardening/memory.mjs";

const [out] = process.argv.slice(2);
if (!out) {
  console.error("usage: node bench/memory.mjs OUT.json");
  process.exit(2);
}
const calls = process.env.BENCH_QUICK === "1" ? 1_000 : 10_000;
const warmup = calls / 10;
const { ms, outcomes, before, after, growth } = await runWorkload({ calls, warmup });
writeFileSync(out, JSON.stringify({ calls, warmup, ms, outcomes, before, after, growth, limits: LIMITS }));
