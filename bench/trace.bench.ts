/**
 * Trace read throughput (issue 2): events/s and MB/s of the streaming, validating reader on a synthetic trace of
 * ~150 MB (a 64-VM ring+all-to-all app on 16 hosts), plain and gzipped. Goal: >= 100 MB/s plain.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openTrace } from "../src/adapters/trace/reader.js";
import { createTraceWriter } from "../src/adapters/trace/writer.js";
import { createRng } from "../src/core/rng.js";
import { generateBspTrace } from "../src/core/synth/bsp-trace.js";

const dir = mkdtempSync(join(tmpdir(), "vadapt-bench-trace-"));
try {
  const file = join(dir, "big.trace");
  const { header, events } = generateBspTrace(
    { vms: 64, hosts: 16, sites: 4, phases: [{ pattern: "ring", intervals: 900 }, { pattern: "all-to-all", intervals: 300 }], linkEvery: 1 },
    createRng(7),
  );
  let t0 = performance.now();
  const w = await createTraceWriter(file, header);
  for (const e of events) await w.write(e);
  await w.close();
  const writeMs = performance.now() - t0;
  const bytes = statSync(file).size;
  const mb = bytes / 1e6;
  process.stdout.write(`trace: ${w.count} events, ${mb.toFixed(1)} MB (written at ${(mb / (writeMs / 1000)).toFixed(1)} MB/s)\n`);

  const gz = join(dir, "big.trace.gz");
  const wz = await createTraceWriter(gz, header);
  const r0 = await openTrace(file);
  for await (const batch of r0.batches()) for (const e of batch) await wz.write(e);
  await wz.close();

  for (const [label, path] of [["plain", file], ["gzip", gz]] as const) {
    let best = Infinity;
    let events = 0;
    let entries = 0;
    for (let rep = 0; rep < 3; rep++) {
      t0 = performance.now();
      const r = await openTrace(path);
      events = 0;
      entries = 0;
      for await (const batch of r.batches()) {
        events += batch.length;
        for (const e of batch) if (e.type === "traffic") entries += e.entries.length;
      }
      best = Math.min(best, performance.now() - t0);
    }
    const s = best / 1000;
    process.stdout.write(
      `read ${label}: ${(events / s / 1e3).toFixed(1)}k events/s, ${(entries / s / 1e6).toFixed(2)}M matrix cells/s, ${(mb / s).toFixed(1)} MB/s of trace text (best of 3: ${best.toFixed(0)} ms)\n`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
