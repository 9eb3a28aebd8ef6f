// The memory workload of memory.test.mjs (a short run in `make test`) and of
// `make bench` (bench/memory.mjs, 10,000 calls): sequential calls in one page
// cycling through success, error, timeout and abort, measuring the wasm
// instance after a warm-up and at the end. Needs the sandbox serving the lab
// page (--static-dir tests/hardening/lab).
import { API_URL, TENANT, anonymousToken, launchBrowser, openLab, unique } from "./harness.mjs";

/** Growth allowed after the warm-up, by measure. */
export const LIMITS = {
  // One wasm page: the allocator may settle a little later than the warm-up.
  memoryBytes: 65_536,
  // JavaScript values held by the instance: a leaked closure keeps its captures.
  heldValues: 0,
  // Slots of the glue's heap in use, whatever they hold.
  tableSlots: 0,
};

/** The outcome codes the workload produces, one kind of call each (and `ok`). */
export const OUTCOMES = ["aborted", "bad_request", "invalid_input", "ok", "server_error", "timeout"];

/** Runs `calls` calls, measuring after `warmup` of them; reports growth by measure. */
export async function runWorkload({ calls, warmup }) {
  const browser = await launchBrowser();
  try {
    const { lab, observer } = await openLab(browser);
    const mark = observer.mark();
    const run = await lab.memoryRun({
      base: API_URL,
      tenant: TENANT,
      anonymousToken: await anonymousToken(),
      calls,
      warmup,
      tag: unique("memory"),
    });
    const growth = Object.fromEntries(
      Object.keys(LIMITS).map((measure) => [measure, run.after[measure] - run.before[measure]]),
    );
    return { ...run, growth, reports: observer.since(mark) };
  } finally {
    await browser.close();
  }
}
