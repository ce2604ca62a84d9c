import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoryBus } from "../../src/adapters/bus/memory.js";
import type { LinkSample, LoadSample, TrafficSource } from "../../src/adapters/overlay.js";
import { Agent } from "../../src/agent/agent.js";
import type { HostActuator } from "../../src/agent/host.js";
import { subjects } from "../../src/core/messages/subjects.js";
import { hostId, syntheticMac } from "../../src/core/model/ids.js";
import { spreadEntries, type TrafficEntry } from "../../src/core/model/traffic.js";

/** A deferred promise: a source call the test finishes when it chooses. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Sources whose traffic and load answer at once and whose link probes answer when the test says. */
class SlowProbes implements TrafficSource {
  readonly probes: Array<(v: LinkSample[]) => void> = [];
  private n = 0;
  async readTraffic(): Promise<TrafficEntry[]> {
    this.n++;
    return [{ src: syntheticMac(1), dst: syntheticMac(2), bytes: 1000 * this.n, packets: this.n }];
  }
  async readLoad(): Promise<LoadSample> {
    return { loadAvg: 0.5, memPct: 10 };
  }
  readLinks(): Promise<LinkSample[]> {
    const d = deferred<LinkSample[]>();
    this.probes.push(d.resolve);
    return d.promise;
  }
}

const idle: HostActuator = { execute: async () => undefined };

describe("agent reports", () => {
  it("publishes each interval's traffic at once, in interval order, while a link probe is still running; probes never overlap", async () => {
    const bus = new MemoryBus();
    const got: Array<{ kind: string; startMs?: number; tMs?: number }> = [];
    bus.subscribe(subjects.allReports("o"), (m) => {
      const msg = JSON.parse(new TextDecoder().decode(m.data)) as { startMs?: number; tMs?: number };
      got.push({ kind: m.subject.split(".").at(-2) ?? "", ...msg });
    });
    const src = new SlowProbes();
    const agent = new Agent({ bus, overlay: "o", host: hostId("h1"), sources: src, actuator: idle, now: () => 0 });
    const first = agent.report(0, 1000);
    const second = agent.report(1000, 1000);
    await bus.flush();
    await new Promise((r) => setTimeout(r, 10));
    // Both intervals' traffic and load are out; the second interval started no probe of its own.
    expect(got.filter((g) => g.kind === "traffic").map((g) => g.startMs)).toEqual([0, 1000]);
    expect(got.filter((g) => g.kind === "load").map((g) => g.tMs)).toEqual([1000, 2000]);
    expect(src.probes).toHaveLength(1);
    await second;
    src.probes[0]!([{ to: hostId("h2"), latencyMs: 10 }]);
    await first;
    await bus.flush();
    expect(got.filter((g) => g.kind === "link").map((g) => g.tMs)).toEqual([1000]);
    // The probe is done: the next interval probes again.
    const third = agent.report(2000, 1000);
    await new Promise((r) => setTimeout(r, 10));
    expect(src.probes).toHaveLength(2);
    src.probes[1]!([]);
    await third;
  });
});

describe("spreading a late reading over the intervals it covers", () => {
  it("splits every entry into shares that sum to it and differ by at most one", () => {
    const entry = fc.record({ bytes: fc.nat(10_000_000), packets: fc.nat(10_000) });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), fc.integer({ min: 1, max: 12 }), (raw, parts) => {
        const entries = raw.map((e, i) => ({ src: syntheticMac(i), dst: syntheticMac(i + 100), ...e }));
        const shares = spreadEntries(entries, parts);
        expect(shares).toHaveLength(parts);
        entries.forEach((e) => {
          const got = shares.map((s) => s.find((x) => x.src === e.src) ?? { bytes: 0, packets: 0 });
          expect(got.reduce((a, x) => a + x.bytes, 0)).toBe(e.bytes);
          expect(got.reduce((a, x) => a + x.packets, 0)).toBe(e.packets);
          expect(Math.max(...got.map((x) => x.bytes)) - Math.min(...got.map((x) => x.bytes))).toBeLessThanOrEqual(1);
        });
        for (const s of shares) for (const x of s) expect(x.bytes > 0 || x.packets > 0).toBe(true);
      }),
    );
  });

  it("refuses a part count that is not a positive integer", () => {
    expect(() => spreadEntries([], 0)).toThrow(RangeError);
    expect(() => spreadEntries([], 1.5)).toThrow(RangeError);
  });

  it("an agent reporting three intervals at once publishes one traffic report per interval, the traffic spread", async () => {
    const bus = new MemoryBus();
    const got: Array<{ startMs: number; intervalMs: number; cells: string }> = [];
    bus.subscribe(subjects.report("o", "traffic", "h1"), (m) => got.push(JSON.parse(new TextDecoder().decode(m.data)) as (typeof got)[number]));
    const src = new SlowProbes();
    const agent = new Agent({ bus, overlay: "o", host: hostId("h1"), sources: src, actuator: idle, now: () => 0 });
    const done = agent.report(3000, 1000, 3);
    await new Promise((r) => setTimeout(r, 10));
    src.probes[0]!([]);
    await done;
    await bus.flush();
    expect(got.map((g) => [g.startMs, g.intervalMs])).toEqual([[3000, 1000], [4000, 1000], [5000, 1000]]);
  });
});
