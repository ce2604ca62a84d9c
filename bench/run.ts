/**
 * `npm run bench [-- name ...]`: runs every bench/*.bench.ts (or the named ones) in its own process, one after
 * another, so that each benchmark has the machine to itself. Each prints its own figures.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here).filter((f) => f.endsWith(".bench.ts")).sort();
const wanted = process.argv.slice(2);
const chosen = wanted.length === 0 ? all : all.filter((f) => wanted.some((w) => f.startsWith(w)));
if (chosen.length === 0) {
  process.stderr.write(`no benchmark matches ${wanted.join(", ")}; available: ${all.map((f) => f.replace(".bench.ts", "")).join(", ")}\n`);
  process.exit(2);
}
let failed = 0;
for (const f of chosen) {
  process.stdout.write(`\n=== ${f.replace(".bench.ts", "")} ===\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", join(here, f)], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
