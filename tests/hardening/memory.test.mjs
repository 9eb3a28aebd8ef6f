// A short run of the memory workload (memory.mjs) in `make test`; the full
// 10,000 calls run in `make bench` (bench/memory.mjs).
import assert from "node:assert/strict";
import { before, test } from "node:test";

import { assertQuiet } from "./harness.mjs";
import { LIMITS, OUTCOMES, runWorkload } from "./memory.mjs";

let result;
before(async () => {
  result = await runWorkload({ calls: 1_200, warmup: 240 });
});

test("the calls end in the intended mix of outcomes, without console noise", () => {
  assert.deepEqual(Object.keys(result.outcomes).sort(), OUTCOMES, JSON.stringify(result.outcomes));
  assertQuiet(result.reports);
});

test("wasm memory grows by at most one 64 KiB page after the warm-up", () => {
  assert.ok(result.growth.memoryBytes <= LIMITS.memoryBytes, `grew by ${result.growth.memoryBytes} bytes`);
});

test("no JavaScript value stays held by the instance: no leaked closure, timer or controller", () => {
  assert.ok(result.growth.heldValues <= LIMITS.heldValues, `${result.growth.heldValues} more values held`);
});

test("no heap slot stays in use, not even one holding undefined", () => {
  assert.ok(result.growth.tableSlots <= LIMITS.tableSlots, `${result.growth.tableSlots} more slots in use`);
});
