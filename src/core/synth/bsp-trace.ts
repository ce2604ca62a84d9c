/**
 * A synthetic BSP application trace, as the overlay's daemons would report it: N VMs on H hosts in S sites, each
 * BSP iteration every VM sends a message to each neighbour of its pattern (ring, all-to-all, ...), phases may
 * switch the pattern. Every host's daemon reports the frames it carried: frames between two of its own VMs, and
 * frames to or from its VMs across the overlay, so an inter-host frame is reported twice (once by each end),
 * which is what VTTIF's aggregation must deduplicate. Reports can be made late, duplicated or lost.
 *
 * Pure and seeded: the same spec and seed give the same trace.
 */
import { z } from "zod";
import { hostId, syntheticMac, vmId, type Mac } from "../model/ids.js";
import type { HostInput, OverlayLinkInput, VmInput } from "../model/network.js";
import type { Rng } from "../rng.js";
import { makeHeader } from "../trace/codec.js";
import type { TraceEvent, TraceHeader, TrafficEvent } from "../trace/events.js";
import { BSP_PATTERNS, neighbours, type BspPattern } from "./neighbours.js";

/** TCP payload per full-size frame, and the bytes of a pure ACK frame, for packet counts. */
const MSS_BYTES = 1448;
const FRAME_OVERHEAD_BYTES = 66;

export const Placement = { Block: "block", RoundRobin: "round-robin", Scattered: "scattered" } as const;
export type Placement = (typeof Placement)[keyof typeof Placement];

export const BspTraceSpec = z.object({
  name: z.string().optional(),
  vms: z.number().int().min(2).max(4096).default(8),
  hosts: z.number().int().min(1).max(1024).default(4),
  sites: z.number().int().min(1).default(2),
  phases: z
    .array(z.object({ pattern: z.enum(BSP_PATTERNS as [BspPattern, ...BspPattern[]]), intervals: z.number().int().positive() }))
    .min(1)
    .default([{ pattern: "ring", intervals: 60 }]),
  intervalMs: z.number().int().positive().default(1000),
  /** Bytes each VM sends to each neighbour per iteration. */
  messageBytes: z.number().int().positive().default(256 * 1024),
  iterationsPerInterval: z.number().positive().default(10),
  /** Initial placement: `block` (neighbours together), `round-robin`, or `scattered` (neighbours across sites). */
  placement: z.enum([Placement.Block, Placement.RoundRobin, Placement.Scattered]).default(Placement.Scattered),
  /** Relative noise on every traffic cell, uniform in ±noise. */
  noise: z.number().min(0).max(1).default(0.1),
  lateProb: z.number().min(0).max(1).default(0),
  dupProb: z.number().min(0).max(1).default(0),
  /** Probability that a host's whole report for an interval (traffic and load) is lost. */
  lossProb: z.number().min(0).max(1).default(0),
  intraSiteMbps: z.number().positive().default(1000),
  intraSiteLatencyMs: z.number().nonnegative().default(0.2),
  interSiteMbps: z.number().positive().default(100),
  interSiteLatencyMs: z.number().nonnegative().default(20),
  hostCpu: z.number().positive().default(4),
  hostMemMB: z.number().positive().default(16_384),
  vmCpu: z.number().positive().default(1),
  vmMemMB: z.number().positive().default(1024),
  /** Emit link measurements every this many intervals. */
  linkEvery: z.number().int().positive().default(10),
});
export type BspTraceSpec = z.infer<typeof BspTraceSpec>;
export type BspTraceSpecInput = z.input<typeof BspTraceSpec>;

/** Site index of host `j` (hosts are split into sites in contiguous blocks). */
export function siteOf(j: number, hosts: number, sites: number): number {
  return Math.floor((j * Math.min(sites, hosts)) / hosts);
}

/** Host index of VM `i` under a placement. */
export function placeVm(i: number, spec: Pick<BspTraceSpec, "vms" | "hosts" | "sites" | "placement">): number {
  const { vms, hosts, placement } = spec;
  const sites = Math.min(spec.sites, hosts);
  switch (placement) {
    case "block":
      return Math.floor((i * hosts) / vms);
    case "round-robin":
      return i % hosts;
    case "scattered": {
      // Consecutive VMs alternate sites, so ring/line neighbours always cross a site boundary.
      const perSite = Math.floor(hosts / sites);
      return ((i % sites) * perSite + (Math.floor(i / sites) % perSite)) % hosts;
    }
  }
}

/** Builds the trace header: hosts, VMs with MACs and home hosts, a full mesh of overlay links. */
export function bspHeader(spec: BspTraceSpec): TraceHeader {
  const sites = Math.min(spec.sites, spec.hosts);
  const hosts: HostInput[] = Array.from({ length: spec.hosts }, (_, j) => ({
    id: hostId(`h${j + 1}`),
    cpu: spec.hostCpu,
    memMB: spec.hostMemMB,
    site: `s${siteOf(j, spec.hosts, sites) + 1}`,
  }));
  const vms: VmInput[] = Array.from({ length: spec.vms }, (_, i) => ({
    id: vmId(`vm${i + 1}`),
    mac: syntheticMac(i + 1),
    host: hostId(`h${placeVm(i, spec) + 1}`),
    cpu: spec.vmCpu,
    memMB: spec.vmMemMB,
  }));
  const links: OverlayLinkInput[] = [];
  for (let a = 0; a < spec.hosts; a++) {
    for (let b = 0; b < spec.hosts; b++) {
      if (a === b) continue;
      const same = siteOf(a, spec.hosts, sites) === siteOf(b, spec.hosts, sites);
      links.push({
        from: hostId(`h${a + 1}`),
        to: hostId(`h${b + 1}`),
        mbps: same ? spec.intraSiteMbps : spec.interSiteMbps,
        latencyMs: same ? spec.intraSiteLatencyMs : spec.interSiteLatencyMs,
        active: true,
      });
    }
  }
  return makeHeader({
    name: spec.name ?? `bsp-${spec.phases.map((p) => p.pattern).join("+")}-${spec.vms}vms-${spec.hosts}hosts`,
    source: "vadapt gen-trace (synthetic BSP application)",
    intervalMs: spec.intervalMs,
    hosts,
    vms,
    links,
    meta: { generator: "bsp", spec },
  });
}

/** Per-pair bytes and packets of one interval of a pattern (data frames plus the reverse ACK frames). */
function intervalMatrix(spec: BspTraceSpec, nbrs: readonly number[][], rng: Rng): Map<number, [number, number]> {
  const n = spec.vms;
  const cells = new Map<number, [number, number]>();
  const add = (i: number, j: number, bytes: number, packets: number): void => {
    const k = i * n + j;
    const c = cells.get(k);
    if (c === undefined) cells.set(k, [bytes, packets]);
    else {
      c[0] += bytes;
      c[1] += packets;
    }
  };
  for (let i = 0; i < n; i++) {
    for (const j of nbrs[i]!) {
      const payload = spec.messageBytes * spec.iterationsPerInterval * (1 + spec.noise * (2 * rng.next() - 1));
      const packets = Math.max(1, Math.ceil(payload / MSS_BYTES));
      add(i, j, Math.round(payload + packets * FRAME_OVERHEAD_BYTES), packets);
      const acks = Math.max(1, Math.ceil(packets / 2));
      add(j, i, acks * FRAME_OVERHEAD_BYTES, acks);
    }
  }
  return cells;
}

/** The demands of a pattern in Mbit/s (ground truth). */
function truthDemands(spec: BspTraceSpec, nbrs: readonly number[][]): Array<[ReturnType<typeof vmId>, ReturnType<typeof vmId>, number]> {
  const mbps = (spec.messageBytes * spec.iterationsPerInterval * 8) / (spec.intervalMs * 1000);
  const out: Array<[ReturnType<typeof vmId>, ReturnType<typeof vmId>, number]> = [];
  nbrs.forEach((js, i) => js.forEach((j) => out.push([vmId(`vm${i + 1}`), vmId(`vm${j + 1}`), mbps])));
  return out;
}

/**
 * Generates the trace: header plus events in non-decreasing tMs order. Per interval: one traffic report per host
 * (subject to late/dup/loss), one load sample per host, link measurements every `linkEvery` intervals, and a
 * truth event at each phase start.
 */
export function generateBspTrace(specInput: BspTraceSpecInput, rng: Rng): { header: TraceHeader; events: Generator<TraceEvent> } {
  const spec = BspTraceSpec.parse(specInput);
  const header = bspHeader(spec);
  return { header, events: bspEvents(spec, header, rng) };
}

function* bspEvents(spec: BspTraceSpec, header: TraceHeader, rng: Rng): Generator<TraceEvent> {
  const n = spec.vms;
  const hostOfVm = Array.from({ length: n }, (_, i) => placeVm(i, spec));
  const macs: Mac[] = header.vms.map((v) => v.mac);
  const hostIds = header.hosts.map((h) => h.id);
  const vmsPerHost = new Array<number>(spec.hosts).fill(0);
  for (const h of hostOfVm) vmsPerHost[h]!++;
  let pending: TraceEvent[] = [];
  let interval = 0;
  for (const phase of spec.phases) {
    const nbrs = neighbours(phase.pattern, n);
    for (let k = 0; k < phase.intervals; k++, interval++) {
      const startMs = interval * spec.intervalMs;
      const dueMs = startMs + spec.intervalMs;
      const now: TraceEvent[] = [];
      if (k === 0) now.push({ type: "truth", tMs: startMs, pattern: phase.pattern, demands: truthDemands(spec, nbrs) });
      const cells = intervalMatrix(spec, nbrs, rng);
      const perHost: TrafficEvent["entries"][] = Array.from({ length: spec.hosts }, () => []);
      for (const [key, [bytes, packets]] of cells) {
        const i = Math.floor(key / n);
        const j = key % n;
        const hi = hostOfVm[i]!;
        const hj = hostOfVm[j]!;
        const cell: [Mac, Mac, number, number] = [macs[i]!, macs[j]!, bytes, packets];
        perHost[hi]!.push(cell);
        if (hj !== hi) perHost[hj]!.push(cell);
      }
      for (let h = 0; h < spec.hosts; h++) {
        if (rng.next() < spec.lossProb) continue;
        const late = rng.next() < spec.lateProb ? (1 + rng.int(3)) * spec.intervalMs : 0;
        const report: TrafficEvent = {
          type: "traffic",
          tMs: dueMs + late + h,
          host: hostIds[h]!,
          startMs,
          intervalMs: spec.intervalMs,
          entries: perHost[h]!,
        };
        (late > 0 ? pending : now).push(report);
        if (rng.next() < spec.dupProb) pending.push({ ...report, tMs: report.tMs + spec.intervalMs });
        const cpuPct = Math.min(100, ((vmsPerHost[h]! * spec.vmCpu * 60) / spec.hostCpu) * (1 + spec.noise * (2 * rng.next() - 1)));
        now.push({ type: "load", tMs: dueMs + h, host: hostIds[h]!, cpuPct: Number(cpuPct.toFixed(2)) });
      }
      if (interval % spec.linkEvery === 0) {
        for (const l of header.links) {
          const jitter = 1 + 0.05 * (2 * rng.next() - 1);
          now.push({ type: "link", tMs: dueMs + spec.hosts, from: l.from, to: l.to, mbps: Number((l.mbps * jitter).toFixed(3)), latencyMs: Number((l.latencyMs * jitter).toFixed(4)) });
        }
      }
      // Release, in time order, everything before the next interval's start (later events wait in `pending`).
      const all = [...now, ...pending].sort((a, b) => a.tMs - b.tMs);
      const cut = dueMs;
      pending = all.filter((e) => e.tMs >= cut);
      yield* all.filter((e) => e.tMs < cut);
    }
  }
  yield* pending.sort((a, b) => a.tMs - b.tMs);
}
