// The size budget `make test` enforces: the wasm plus the JavaScript a browser
// loads from the package, gzip -9, against bench/size-budget.json.
//   node bench/size-check.mjs [PKG_DIR] [--budget FILE]
// Exit status: 0 within budget, 1 over it, 2 on bad usage or input.
import { readFileSync } from "node:fs";
import { browserEntry, measure } from "./size.mjs";

const DEFAULT_BUDGET = new URL("size-budget.json", import.meta.url);

function parseArguments(args) {
  let pkgDir = "pkg";
  let budgetFile = DEFAULT_BUDGET;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--budget" && i + 1 < args.length) budgetFile = args[++i];
    else if (!args[i].startsWith("-")) pkgDir = args[i];
    else throw new Error(`unknown argument ${args[i]}`);
  }
  return { pkgDir, budgetFile };
}

function readBudget(file) {
  const { gzipBytes } = JSON.parse(readFileSync(file, "utf8"));
  if (!Number.isSafeInteger(gzipBytes) || gzipBytes <= 0) {
    throw new Error(`${file}: gzipBytes must be a positive integer`);
  }
  return gzipBytes;
}

let pkgDir, budget, sizes;
try {
  let budgetFile;
  ({ pkgDir, budgetFile } = parseArguments(process.argv.slice(2)));
  budget = readBudget(budgetFile);
  sizes = measure(browserEntry(pkgDir), { brotli: false });
} catch (error) {
  console.error(`[size-check] ${error.message}`);
  process.exit(2);
}

for (const { file, raw, gzip } of sizes.files) {
  console.log(`[size-check] ${file.padEnd(24)} ${String(raw).padStart(7)} raw ${String(gzip).padStart(6)} gzip`);
}
const { gzip } = sizes.total;
const verdict = gzip <= budget ? "within" : "OVER";
console.log(`[size-check] ${pkgDir}: ${gzip} bytes gzip, ${verdict} the budget of ${budget} (${((gzip / budget) * 100).toFixed(1)}%)`);
if (gzip > budget) {
  console.error(
    `[size-check] ${gzip - budget} bytes over budget. Find what grew (bench/SIZE.md says how); ` +
      "raise gzipBytes in bench/size-budget.json only for a change worth its bytes.",
  );
  process.exit(1);
}
