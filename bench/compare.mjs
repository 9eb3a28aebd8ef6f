// Two builds of the package side by side (not part of `make bench`): the
// client-side cost per `confirmOptIn` with `fetch` stubbed, of package a/,
// package b/, the baseline (bench/web/baseline.js) and the baseline with one
// `new Request(url, init)` per call (what gloo-net's builder makes), rounds
// alternating in one Chromium page; medians in µs. Only ratios measured in one
// run mean anything on a shared machine.
//   mkdir DIR; cp -R OLD_PKG DIR/a; cp -R NEW_PKG DIR/b; cp bench/web/* DIR/
//   scripts/with-sandbox.sh --static-dir DIR -- node bench/compare.mjs [ROUNDS] [CALLS]
import { launchChromium } from "../tests/support/chromium.mjs";
const { SANDBOX_URL } = process.env;
const rounds = Number(process.argv[2] || 7), calls = Number(process.argv[3] || 2000);
const browser = await launchChromium();
const page = await browser.newPage();
await page.goto(`${SANDBOX_URL}/index.html`);
const body = JSON.stringify({ access_token: "a".repeat(40), expires_in: 3599, refresh_token: "r".repeat(40), refresh_token_expires_in: 86399, token_type: "Bearer", session_id: "s1", saas_token: "x".repeat(100) });
const result = await page.evaluate(async ({ body, rounds, calls }) => {
  const a = await import("/a/index.js"); await a.init();
  const b = await import("/b/index.js"); await b.init();
  const baseline = await import("/baseline.js");
  const stub = async () => new Response(body, { status: 200, headers: { "Content-Type": "application/json" } });
  // The baseline, but every fetch first builds the one Request gloo-net's builder must make.
  const withRequest = { confirmOptIn: async (o) => { window.fetch = (u, i) => (new Request(u, i), stub()); try { return await baseline.confirmOptIn(o); } finally { window.fetch = stub; } } };
  const sides = { a, b, baseline, withRequest };
  window.fetch = stub;
  const options = { tenant: "benchshop", anonymousToken: "anon-token-123", baseUrl: location.origin };
  const run = async (side, tag) => { const s = performance.now(); for (let i = 0; i < calls; i++) await sides[side].confirmOptIn({ ...options, token: `${tag}-${i}` }); return (performance.now() - s) / calls * 1000; };
  const out = { a: [], b: [], baseline: [], withRequest: [] };
  for (const s of Object.keys(out)) await run(s, "w");
  for (let r = 0; r < rounds; r++) for (const s of Object.keys(out)) out[s].push(await run(s, `r${r}`));
  return out;
}, { body, rounds, calls });
const med = (v) => { const s = [...v].sort((x, y) => x - y); return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2; };
const m = Object.fromEntries(Object.entries(result).map(([k, v]) => [k, med(v)]));
console.log(`a ${m.a.toFixed(1)} us (${(m.a / m.baseline).toFixed(2)}x)  b ${m.b.toFixed(1)} us (${(m.b / m.baseline).toFixed(2)}x)  baseline ${m.baseline.toFixed(1)} us  b/a ${(m.b / m.a).toFixed(3)}  baseline+Request ${m.withRequest.toFixed(1)} us (${(m.withRequest / m.baseline).toFixed(2)}x)`);
await browser.close();
