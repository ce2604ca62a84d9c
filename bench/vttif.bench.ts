/**
 * VTTIF speed: aggregate one interval's per-host reports (4 VMs per host: 256 hosts at 1024 VMs) into the global
 * VM x VM matrix, convert to Mbit/s, infer the topology (automatic cut) and list the demands. The target:
 * 1024 VMs / 256 hosts in < 100 ms. Two workloads: a 3D torus with ±30% noise and 10% random background pairs
 * (about 0.1 n^2 extra cells, the hard case for pruning), and the same torus without background.
 */
import { hostId, syntheticMac, type HostId, type Mac } from "../src/core/model/ids.js";
import { createRng } from "../src/core/rng.js";
import type { TrafficEvent } from "../src/core/trace/events.js";
import { TrafficAggregator } from "../src/core/vttif/aggregate.js";
import { classifyTraffic } from "../src/core/vttif/classify.js";
import { demandsFrom } from "../src/core/vttif/demands.js";
import { generatePattern } from "../src/core/vttif/patterns.js";
import { toMbps } from "../src/core/vttif/smooth.js";
import { vmId } from "../src/core/model/ids.js";

const INTERVAL_MS = 1000;
const VMS_PER_HOST = 4;

interface Workload {
  vms: Array<{ mac: Mac; host: HostId }>;
  reports: TrafficEvent[];
  cells: number;
}

/** Every host reports the cells its VMs send or receive (an inter-host cell appears in two reports). */
function workload(n: number, background: number, seed: number): Workload {
  const p = generatePattern("torus3d", n, createRng(seed), { noise: 0.3, background, nominal: 1e6 });
  const hosts = n / VMS_PER_HOST;
  const macs = Array.from({ length: n }, (_, i) => syntheticMac(i + 1));
  const home = (i: number): number => Math.floor(i / VMS_PER_HOST);
  const hostIds = Array.from({ length: hosts }, (_, h) => hostId(`h${h + 1}`));
  const entries: TrafficEvent["entries"][] = Array.from({ length: hosts }, () => []);
  let cells = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const b = p.matrix[i * n + j]!;
      if (b === 0) continue;
      cells++;
      const cell: [Mac, Mac, number, number] = [macs[i]!, macs[j]!, Math.round(b), Math.ceil(b / 1448)];
      entries[home(i)]!.push(cell);
      if (home(j) !== home(i)) entries[home(j)]!.push(cell);
    }
  }
  const reports = entries.map((e, h): TrafficEvent => ({ type: "traffic", tMs: INTERVAL_MS + h, host: hostIds[h]!, startMs: 0, intervalMs: INTERVAL_MS, entries: e }));
  return { vms: macs.map((mac, i) => ({ mac, host: hostIds[home(i)]! })), reports, cells };
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function once(w: Workload, n: number): { aggregateMs: number; inferMs: number; cpuMs: number; cls: string } {
  const c0 = cpuMs();
  const t0 = performance.now();
  const agg = new TrafficAggregator(w.vms, { intervalMs: INTERVAL_MS });
  for (const r of w.reports) agg.add(r);
  const [iv] = agg.flush();
  const t1 = performance.now();
  const mbps = toMbps(iv!.matrix.bytes, INTERVAL_MS);
  const c = classifyTraffic(mbps, n);
  demandsFrom(mbps, n, w.vms.map((_, i) => vmId(`vm${i + 1}`)), c.kept);
  const t2 = performance.now();
  return { aggregateMs: t1 - t0, inferMs: t2 - t1, cpuMs: cpuMs() - c0, cls: c.class };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

const sizes = [64, 128, 256, 512, 1024];
for (const [label, background] of [["torus3d, ±30% noise, 10% background pairs", 0.1], ["torus3d, ±30% noise, no background", 0]] as const) {
  process.stdout.write(`\n${label}\n`);
  process.stdout.write("   VMs  hosts  report cells  aggregate ms  infer ms  total ms  best ms  CPU ms  class\n");
  for (const n of sizes) {
    const w = workload(n, background, n);
    const reps = n >= 512 ? 9 : 15;
    for (let k = 0; k < 2; k++) once(w, n);
    const runs = Array.from({ length: reps }, () => once(w, n));
    const agg = median(runs.map((r) => r.aggregateMs));
    const inf = median(runs.map((r) => r.inferMs));
    const tot = median(runs.map((r) => r.aggregateMs + r.inferMs));
    const cpu = median(runs.map((r) => r.cpuMs));
    const best = Math.min(...runs.map((r) => r.aggregateMs + r.inferMs));
    const cells = w.reports.reduce((s, r) => s + r.entries.length, 0);
    process.stdout.write(
      `${String(n).padStart(6)}  ${String(n / VMS_PER_HOST).padStart(5)}  ${String(cells).padStart(12)}  ${agg.toFixed(1).padStart(12)}  ${inf.toFixed(1).padStart(8)}  ${tot.toFixed(1).padStart(8)}  ${best.toFixed(1).padStart(7)}  ${cpu.toFixed(1).padStart(6)}  ${runs[0]!.cls}\n`,
    );
  }
}
const { loadavg, cpus } = await import("node:os");
process.stdout.write(
  `\ntarget: 1024 VMs from 256 host reports in < 100 ms. Times are wall-clock medians of 9 (>= 512 VMs) or 15 runs after\n2 warm-ups; "best" is the fastest run, "CPU" this process's median CPU time (less inflated by other load).\nLoad average now ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores.\n`,
);
