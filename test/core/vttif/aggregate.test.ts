import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hostId, syntheticMac, type HostId, type Mac } from "../../../src/core/model/ids.js";
import { createRng } from "../../../src/core/rng.js";
import { generateBspTrace } from "../../../src/core/synth/bsp-trace.js";
import type { TrafficEvent } from "../../../src/core/trace/events.js";
import { TrafficAggregator, type AggregatedInterval } from "../../../src/core/vttif/aggregate.js";

const m = (i: number): Mac => syntheticMac(i);
const h = (s: string): HostId => hostId(s);
const report = (host: string | undefined, startMs: number, tMs: number, entries: Array<[number, number, number]>): TrafficEvent => ({
  type: "traffic",
  tMs,
  ...(host !== undefined ? { host: h(host) } : {}),
  startMs,
  intervalMs: 1000,
  entries: entries.map(([a, b, bytes]) => [m(a), m(b), bytes, Math.ceil(bytes / 1000)]),
});
// VMs 1,2 on h1; 3 on h2; 4 on h3.
const vms = [
  { mac: m(1), host: h("h1") },
  { mac: m(2), host: h("h1") },
  { mac: m(3), host: h("h2") },
  { mac: m(4), host: h("h3") },
];
const cell = (iv: AggregatedInterval, a: number, b: number): number => {
  const n = iv.matrix.macs.length;
  return iv.matrix.bytes[(a - 1) * n + (b - 1)]!;
};

describe("aggregation of per-host reports", () => {
  it("counts an inter-host frame once, from the source host's report", () => {
    const agg = new TrafficAggregator(vms, { intervalMs: 1000, graceMs: 0 });
    agg.add(report("h1", 0, 1000, [[1, 3, 5000], [1, 2, 700]]));
    agg.add(report("h2", 0, 1000, [[1, 3, 4900], [3, 1, 800]]));
    const [iv] = agg.flush();
    expect(cell(iv!, 1, 3)).toBe(5000); // the sender's daemon wins over the receiver's
    expect(cell(iv!, 3, 1)).toBe(800);
    expect(cell(iv!, 1, 2)).toBe(700); // intra-host, seen once
    expect(iv!.cells).toEqual({ fromSource: 3, fromDestination: 0, fromOther: 0, redundant: 1 });
    expect(iv!.missing).toEqual(["h3"]);
  });

  it("falls back to the destination host's report, then to the largest forwarded copy", () => {
    const agg = new TrafficAggregator(vms, { intervalMs: 1000, graceMs: 0 });
    // h1 (home of VM 1) is missing; h2 saw 1->3 as receiver; h3 forwarded 1->2 (two copies: max wins).
    agg.add(report("h2", 0, 1000, [[1, 3, 4900], [1, 2, 100]]));
    agg.add(report("h3", 0, 1000, [[1, 2, 300], [1, 3, 9999]]));
    const [iv] = agg.flush();
    expect(cell(iv!, 1, 3)).toBe(4900);
    expect(cell(iv!, 1, 2)).toBe(300);
    expect(iv!.cells).toMatchObject({ fromSource: 0, fromDestination: 1, fromOther: 1 });
    expect(iv!.missing).toEqual(["h1"]);
    expect(agg.stats.missingReports).toBe(1);
  });

  it("drops late, duplicate and misaligned reports and counts them; emits empty intervals for gaps", () => {
    const agg = new TrafficAggregator(vms, { intervalMs: 1000, graceMs: 500 });
    expect(agg.add(report("h1", 0, 1000, [[1, 3, 10]]))).toEqual([]);
    expect(agg.add(report("h1", 0, 1200, [[1, 3, 99]]))).toEqual([]); // duplicate
    const closed = agg.add(report("h2", 3000, 4000, [[3, 1, 5]])); // watermark 4000 > 2000 + 500 + 1000: closes 0, 1, 2
    expect(closed.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(cell(closed[0]!, 1, 3)).toBe(10);
    expect(closed[1]!.reporters).toEqual([]);
    expect(closed[1]!.missing).toEqual(["h1", "h2", "h3"]);
    agg.add(report("h3", 1000, 4100, [[4, 1, 1]])); // late
    agg.add({ ...report("h3", 3500, 4100, []), startMs: 3500 }); // off the grid
    agg.add({ ...report("h3", 3000, 4100, []), intervalMs: 500 }); // wrong length
    const rest = agg.flush();
    expect(rest.map((c) => c.index)).toEqual([3]);
    expect(agg.stats).toMatchObject({ reports: 6, accepted: 2, duplicate: 1, late: 1, misaligned: 2, intervals: 4 });
  });

  it("anchors the grid at the first report, so wall-clock (epoch) times do not open empty intervals from 0", () => {
    const t0 = 1_700_000_000_000;
    const agg = new TrafficAggregator(vms, { intervalMs: 1000 });
    agg.add(report("h1", t0, t0 + 1000, [[1, 3, 10]]));
    agg.add(report("h1", t0 - 1000, t0 + 1100, [[1, 3, 10]])); // before the first interval: late
    agg.add(report("h1", t0 + 1000, t0 + 2000, [[1, 3, 20]]));
    const ivs = agg.flush();
    expect(ivs.map((iv) => [iv.index, iv.startMs])).toEqual([[0, t0], [1, t0 + 1000]]);
    expect(agg.stats.late).toBe(1);
  });

  it("passes a global (host-less) report through and sets host reports aside", () => {
    const agg = new TrafficAggregator(vms, { intervalMs: 1000 });
    agg.add(report(undefined, 0, 1000, [[1, 4, 42], [1, 4, 8]]));
    agg.add(report("h1", 0, 1000, [[1, 4, 1]]));
    const [iv] = agg.flush();
    expect(iv!.global).toBe(true);
    expect(cell(iv!, 1, 4)).toBe(50);
    expect(agg.stats.superseded).toBe(1);
  });

  it("learns VMs from vm events and from unknown MACs, appending them", () => {
    const agg = new TrafficAggregator(vms.slice(0, 2), { intervalMs: 1000 });
    agg.setVm(m(3), h("h2"));
    agg.add(report("h1", 0, 1000, [[1, 9, 7]]));
    const [iv] = agg.flush();
    expect(iv!.matrix.macs).toEqual([m(1), m(2), m(3), m(9)]);
    expect(iv!.matrix.bytes[0 * 4 + 3]).toBe(7);
  });

  it("recovers the true matrix of a BSP trace despite duplicated, late and lost reports", async () => {
    const spec = { vms: 16, hosts: 8, sites: 2, phases: [{ pattern: "mesh2d" as const, intervals: 20 }], noise: 0 };
    const clean = generateBspTrace({ ...spec }, createRng(1));
    const messy = generateBspTrace({ ...spec, dupProb: 0.3, lateProb: 0.2, lossProb: 0.1 }, createRng(1));
    const run = (t: typeof clean, graceMs: number): { ivs: AggregatedInterval[]; agg: TrafficAggregator } => {
      const agg = new TrafficAggregator(t.header.vms, { intervalMs: 1000, graceMs });
      const ivs: AggregatedInterval[] = [];
      for (const e of t.events) if (e.type === "traffic") ivs.push(...agg.add(e));
      ivs.push(...agg.flush());
      return { ivs, agg };
    };
    const truth = run(clean, 0).ivs;
    // With a grace of 5 intervals no late report is dropped; lost reports fall back to the other end.
    const got = run(messy, 5000);
    expect(got.ivs).toHaveLength(20);
    expect(got.agg.stats.duplicate).toBeGreaterThan(0);
    expect(got.agg.stats.late).toBe(0);
    let exact = 0;
    let cells = 0;
    for (let k = 0; k < 20; k++) {
      const a = truth[k]!.matrix.bytes;
      const b = got.ivs[k]!.matrix.bytes;
      for (let i = 0; i < a.length; i++) {
        if (a[i] === 0) continue;
        cells++;
        if (a[i] === b[i]) exact++;
      }
    }
    // Only cells whose two observers were both lost can be missing.
    expect(exact / cells).toBeGreaterThan(0.97);
    // A zero grace drops the late ones and counts them.
    expect(run(generateBspTrace({ ...spec, lateProb: 0.2 }, createRng(1)), 0).agg.stats.late).toBeGreaterThan(0);
  });
});

describe("aggregation invariants (property)", () => {
  it("recovers every cell one of whose end hosts reported, whatever the duplicates and arrival order", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (nVm, nHost, seed) => {
          const rng = createRng(seed);
          const hosts = Array.from({ length: nHost }, (_, k) => `h${k}`);
          const homes = Array.from({ length: nVm }, () => rng.int(nHost));
          const vmList = homes.map((hh, i) => ({ mac: m(i + 1), host: h(hosts[hh]!) }));
          const truth = new Float64Array(nVm * nVm);
          const per: Array<Array<[number, number, number]>> = hosts.map(() => []);
          for (let i = 0; i < nVm; i++) {
            for (let j = 0; j < nVm; j++) {
              if (i === j || rng.next() < 0.5) continue;
              const b = 1 + rng.int(1000);
              truth[i * nVm + j] = b;
              per[homes[i]!]!.push([i + 1, j + 1, b]);
              if (homes[j] !== homes[i]) per[homes[j]!]!.push([i + 1, j + 1, b]);
            }
          }
          const lost = new Set(hosts.filter(() => rng.next() < 0.3));
          const events: TrafficEvent[] = [];
          hosts.forEach((host, k) => {
            if (lost.has(host)) return;
            const r = report(host, 0, 1000 + rng.int(900), per[k]!);
            events.push(r);
            if (rng.next() < 0.5) events.push({ ...r, tMs: r.tMs + rng.int(50) });
          });
          events.sort((a, b) => a.tMs - b.tMs);
          const agg = new TrafficAggregator(vmList, { intervalMs: 1000 });
          for (const e of events) agg.add(e);
          const ivs = agg.flush();
          if (events.length === 0) return ivs.length === 0;
          const got = ivs[0]!.matrix.bytes;
          for (let i = 0; i < nVm; i++) {
            for (let j = 0; j < nVm; j++) {
              const seen = !lost.has(hosts[homes[i]!]!) || !lost.has(hosts[homes[j]!]!);
              if (got[i * nVm + j] !== (seen ? truth[i * nVm + j] : 0)) return false;
            }
          }
          return agg.stats.accepted + agg.stats.duplicate === events.length && ivs[0]!.missing.length === new Set([...lost].filter((x) => homes.some((hh) => hosts[hh] === x))).size;
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
});
