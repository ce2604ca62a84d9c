import { Buffer } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/errors.js";
import { syntheticMac } from "../../../src/core/model/ids.js";
import type { TrafficEntry } from "../../../src/core/model/traffic.js";
import { decodeCells, encodeCells } from "../../../src/core/messages/cells.js";
import { IngestGuard } from "../../../src/core/messages/ingest.js";
import { subjects } from "../../../src/core/messages/subjects.js";

const entryArb = fc.record({
  src: fc.integer({ min: 0, max: 50 }).map(syntheticMac),
  dst: fc.integer({ min: 0, max: 50 }).map(syntheticMac),
  bytes: fc.double({ min: 0, max: 1e15, noNaN: true }),
  packets: fc.nat(),
}) as fc.Arbitrary<TrafficEntry>;

describe("VTC1 cell encoding", () => {
  it("round-trips any matrix", () => {
    fc.assert(fc.property(fc.array(entryArb, { maxLength: 200 }), (cells) => {
      expect(decodeCells(encodeCells(cells), {})).toEqual(cells.map((c) => ({ ...c, bytes: c.bytes === 0 ? 0 : c.bytes })));
    }));
  });
  it("is about 24 bytes a cell", () => {
    const cells = Array.from({ length: 1024 }, (_, i) => ({ src: syntheticMac(1), dst: syntheticMac(i + 2), bytes: i, packets: i }));
    expect(encodeCells(cells).byteLength).toBeLessThan(1024 * 31);
  });
  it("never throws anything but InputError on corrupt bytes", () => {
    const good = encodeCells(Array.from({ length: 5 }, (_, i) => ({ src: syntheticMac(i), dst: syntheticMac(i + 1), bytes: i, packets: 1 })));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.tuple(fc.nat(good.length), fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })).map(([cut, at, v]) => {
        const b = good.slice(0, Math.max(cut, at + 1));
        b[at] = v;
        return b;
      })), (bytes) => {
        try {
          decodeCells(bytes, { file: "m" });
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
const traffic = (seq: number, startMs: number, host = "h1") => ({
  v: 1, overlay: "o1", host, seq, sentMs: startMs + 1000, startMs, intervalMs: 1000,
  cells: Buffer.from(encodeCells([{ src: syntheticMac(1), dst: syntheticMac(2), bytes: 100, packets: 1 }])).toString("base64"),
});

describe("ingest guard", () => {
  const subj = subjects.report("o1", "traffic", "h1");
  it("accepts a good report and converts it to a trace event", () => {
    const g = new IngestGuard({ overlay: "o1", maxBytes: 1 << 20, staleMs: 60_000 });
    const r = g.accept(subj, enc(traffic(1, 0)), 1000);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.events[0]).toMatchObject({ type: "traffic", host: "h1", startMs: 0, entries: [[syntheticMac(1), syntheticMac(2), 100, 1]] });
  });
  it.each([
    ["oversized", subj, new Uint8Array(2_000_000), 1000],
    ["malformed", subj, new TextEncoder().encode("{nope"), 1000],
    ["malformed", subj, enc({ ...traffic(1, 0), seq: -1 }), 1000],
    ["malformed", subj, enc({ ...traffic(1, 0), cells: "AAAA" }), 1000],
    ["wrong-subject", "vadapt.o2.report.traffic.h1", enc(traffic(1, 0)), 1000],
    ["spoofed", subjects.report("o1", "traffic", "h2"), enc(traffic(1, 0)), 1000],
    ["stale", subj, enc(traffic(1, 0)), 100_000],
  ] as const)("rejects %s messages with a reason", (reason, subject, data, now) => {
    const g = new IngestGuard({ overlay: "o1", maxBytes: 1 << 20, staleMs: 60_000 });
    const r = g.accept(subject, data, now);
    expect(r).toMatchObject({ ok: false, reason });
    expect(g.rejected[reason]).toBe(1);
  });
  it("rejects a replayed sequence number but keeps what it accepted", () => {
    const g = new IngestGuard({ overlay: "o1", maxBytes: 1 << 20, staleMs: 60_000 });
    expect(g.accept(subj, enc(traffic(5, 0)), 1000).ok).toBe(true);
    expect(g.accept(subj, enc(traffic(5, 0)), 1000)).toMatchObject({ ok: false, reason: "replayed" });
    expect(g.accept(subj, enc(traffic(6, 1000)), 2000).ok).toBe(true);
    expect(g.accepted).toBe(2);
  });
  it("survives any bytes on any subject (fuzz)", () => {
    const g = new IngestGuard({ overlay: "o1", maxBytes: 4096, staleMs: 60_000 });
    fc.assert(
      fc.property(fc.constantFrom(subj, "vadapt.o1.report.load.h1", "vadapt.o1.report.link.h1", "x"), fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.json().map((j) => new TextEncoder().encode(j)), fc.anything().map((a) => enc({ ...traffic(1, 0), ...(typeof a === "object" && a !== null ? a : { x: a }) }))), (s, data) => {
        const r = g.accept(s, data, 1000);
        expect(typeof r.ok).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });
});
