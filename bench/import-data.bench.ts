/**
 * Import throughput of the mpi, load, rtt and bw importers on the real data sets in ../shared/data: events/s of
 * each importer's event stream (parsing, gunzip, k-way merge; no trace writing) and input records/s (graph lines,
 * CSV rows or samples, matrix rows, delivery opportunities), best of 2 runs.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { openBw } from "../src/importers/bw.js";
import { openLoad } from "../src/importers/load.js";
import { openMpi } from "../src/importers/mpi.js";
import { openRtt } from "../src/importers/rtt.js";
import type { ImportedTrace } from "../src/importers/types.js";

const data = resolve(import.meta.dirname, "../../shared/data");
if (!existsSync(data)) {
  process.stdout.write(`skipped: ${data} not found\n`);
  process.exit(0);
}
const at = (...p: string[]): string => join(data, ...p);

const verizon = [at("mahimahi-bw", "Verizon-LTE-short.up"), at("mahimahi-bw", "Verizon-LTE-short.down")];
/** Label, input records (counted in the tests), importer. */
const cases: Array<[string, number, () => Promise<ImportedTrace>]> = [
  ["mpi CloverLeaf/1152_ranks", 3385, () => openMpi(at("mpi-comm-graphs", "CloverLeaf", "1152_ranks"))],
  ["load bitbrains 2013-7 (50 files, gzip)", 413169, () => openLoad(at("bitbrains-rnd", "2013-7"))],
  ["load alibaba 16 hosts (16 runs)", 100002, () => openLoad(at("alibaba-2018-16hosts"))],
  ["load azure avg (gzip)", 8004, () => openLoad(at("azure-v1-cpu-100vms", "microsoft_avg_100.csv.gz"))],
  ["load planetlab 20110303 (1052 files)", 302976, () => openLoad(at("planetlab-cpu", "20110303"))],
  ["rtt seattle first 48 slices", 48 * 99, () => openRtt(at("rtt-seattle", "Seattle_first48"))],
  ["bw Verizon up+down, 1 s bins", 69367 + 58655, () => openBw(verizon)],
  ["bw Verizon up+down, 10 ms bins", 69367 + 58655, () => openBw(verizon, { binMs: 10 })],
];

for (const [label, records, open] of cases) {
  let best = Infinity;
  let n = 0;
  for (let rep = 0; rep < 2; rep++) {
    const t0 = performance.now();
    const imported = await open();
    n = 0;
    for await (const _ of imported.events) n++;
    best = Math.min(best, performance.now() - t0);
  }
  const rate = (x: number): string => ((x / best) * 1000).toFixed(0).padStart(9);
  process.stdout.write(`${label.padEnd(40)} ${String(n).padStart(8)} events ${best.toFixed(0).padStart(6)} ms ${rate(n)} events/s ${rate(records)} records/s\n`);
}
