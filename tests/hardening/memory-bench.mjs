// The full memory run for `make bench`: sequential calls in one page (see
// memory.mjs), then growth after the warm-up against the limits. Needs the
// sandbox serving the lab page, as scripts/test-hardening.sh starts it:
//   scripts/with-sandbox.sh --static-dir tests/hardening/lab --pkg-dir pkg \
//     -- node tests/hardening/memory-bench.mjs [calls=10000] [warmup=calls/10]
// Prints one line per measure and exits with 1 when one exceeds its limit.
import { LIMITS, OUTCOMES, runWorkload } from "./memory.mjs";

const calls = Number(process.argv[2] ?? 10_000);
const warmup = Number(process.argv[3] ?? Math.round(calls / 10));
if (!Number.isInteger(calls) || !Number.isInteger(warmup) || warmup < 8 || warmup >= calls) {
  console.error("usage: memory-bench.mjs [calls] [warmup], 8 <= warmup < calls");
  process.exit(2);
}

const result = await runWorkload({ calls, warmup });
const seconds = result.ms / 1000;
const rate = Math.round(calls / seconds);
console.log(`[memory] ${calls} calls (${warmup} warm-up) in ${seconds.toFixed(1)} s, ${rate} calls/s`);
console.log(`[memory] through ${result.callers.join(", ")}`);
console.log(`[memory] outcomes: ${JSON.stringify(result.outcomes)}`);
let failed = false;
for (const [measure, limit] of Object.entries(LIMITS)) {
  const grown = result.growth[measure];
  const ok = grown <= limit;
  failed ||= !ok;
  const verdict = ok ? "ok" : "EXCEEDED";
  console.log(`[memory] ${measure}: ${result.before[measure]}, then +${grown} (limit ${limit}): ${verdict}`);
}
const codes = Object.keys(result.outcomes).sort();
if (JSON.stringify(codes) !== JSON.stringify(OUTCOMES)) {
  console.log(`[memory] unexpected outcomes: ${codes.join(", ")}`);
  failed = true;
}
process.exit(failed ? 1 : 0);
