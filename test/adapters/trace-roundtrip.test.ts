import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { openTrace } from "../../src/adapters/trace/reader.js";
import { createTraceWriter } from "../../src/adapters/trace/writer.js";
import { hostId, syntheticMac, vmId } from "../../src/core/model/ids.js";
import { makeHeader } from "../../src/core/trace/codec.js";
import type { TraceEvent, TraceHeader } from "../../src/core/trace/events.js";

const dir = mkdtempSync(join(tmpdir(), "vadapt-rt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const num = fc.double({ min: 0, max: 1e12, noNaN: true, noDefaultInfinity: true });

/** A random valid trace: header with H hosts and V VMs, then events that only name them, in tMs order. */
const traceArb = fc
  .record({ hosts: fc.integer({ min: 1, max: 5 }), vms: fc.integer({ min: 1, max: 6 }) })
  .chain(({ hosts, vms }) => {
    const hostIdx = fc.integer({ min: 0, max: hosts - 1 });
    const vmIdx = fc.integer({ min: 0, max: vms - 1 });
    const h = (i: number) => hostId(`h${i}`);
    const eventArb: fc.Arbitrary<Omit<TraceEvent, "tMs">> = fc.oneof(
      fc.record({
        type: fc.constant("traffic" as const),
        host: fc.option(hostIdx.map(h), { nil: undefined }),
        startMs: num,
        intervalMs: fc.double({ min: 1, max: 1e6, noNaN: true }),
        entries: fc.array(fc.tuple(vmIdx.map(syntheticMac), vmIdx.map(syntheticMac), num, fc.nat()), { maxLength: 8 }),
      }),
      fc.record({ type: fc.constant("load" as const), host: hostIdx.map(h), cpuPct: fc.option(fc.double({ min: 0, max: 400, noNaN: true }), { nil: undefined }) }),
      fc.record({ type: fc.constant("link" as const), from: hostIdx.map(h), to: hostIdx.map(h), mbps: fc.double({ min: 0, max: 1e5, noNaN: true }) }),
      fc.record({ type: fc.constant("truth" as const), pattern: fc.constantFrom("ring", "all-to-all", "unknown"), demands: fc.array(fc.tuple(vmIdx.map((i) => vmId(`vm${i}`)), vmIdx.map((i) => vmId(`vm${i}`)), num), { maxLength: 4 }) }),
    ) as fc.Arbitrary<Omit<TraceEvent, "tMs">>;
    return fc.record({
      header: fc.constant(
        makeHeader({
          name: "prop",
          hosts: Array.from({ length: hosts }, (_, i) => ({ id: h(i), cpu: i + 1, memMB: 1024 * i, site: `s${i % 2}` })),
          vms: Array.from({ length: vms }, (_, i) => ({ id: vmId(`vm${i}`), mac: syntheticMac(i), host: h(i % hosts) })),
          links: hosts > 1 ? [{ from: h(0), to: h(1), mbps: 100, latencyMs: 1.5 }] : [],
        }),
      ),
      events: fc.array(fc.tuple(fc.nat({ max: 1000 }), eventArb), { maxLength: 30 }),
    });
  })
  .map(({ header, events }) => {
    let t = 0;
    const withTime = events.map(([dt, e]) => {
      t += dt;
      // Drop undefined optional keys: JSON has no undefined, so the read-back object has no such key.
      return JSON.parse(JSON.stringify({ ...e, tMs: t })) as TraceEvent;
    });
    return { header, events: withTime };
  });

async function roundTrip(header: TraceHeader, events: TraceEvent[], file: string) {
  const w = await createTraceWriter(file, header);
  for (const e of events) await w.write(e);
  await w.close();
  const r = await openTrace(file);
  const back: TraceEvent[] = [];
  for await (const e of r.events()) back.push(e);
  return { header: r.header, events: back, stats: r.stats };
}

describe("trace write → read", () => {
  let n = 0;
  it("round-trips any valid trace, plain and gzipped", async () => {
    await fc.assert(
      fc.asyncProperty(traceArb, fc.boolean(), async ({ header, events }, gz) => {
        const file = join(dir, `t${n++}.trace${gz ? ".gz" : ""}`);
        const back = await roundTrip(header, events, file);
        expect(back.header).toEqual(header);
        expect(back.events).toEqual(events);
        expect(back.stats.events).toBe(events.length);
        expect(back.stats.badLines).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it("streams a trace larger than one read chunk", async () => {
    const header = makeHeader({ hosts: [{ id: hostId("h1") }], vms: [{ id: vmId("a"), mac: syntheticMac(1) }, { id: vmId("b"), mac: syntheticMac(2) }], links: [] });
    const events: TraceEvent[] = Array.from({ length: 40_000 }, (_, i) => ({
      type: "traffic",
      tMs: i * 1000 + 1000,
      host: hostId("h1"),
      startMs: i * 1000,
      intervalMs: 1000,
      entries: [[syntheticMac(1), syntheticMac(2), i * 17, i]],
    }));
    const back = await roundTrip(header, events, join(dir, "big.trace"));
    expect(back.events.length).toBe(events.length);
    expect(back.events[39_999]).toEqual(events[39_999]);
  });
});
