import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import type { LinkEvent } from "../../src/core/trace/events.js";
import { binMahimahi, MahimahiBinner, openBw, opportunitiesToMbps } from "../../src/importers/bw.js";
import { dataPath, describeWithData } from "../helpers/data.js";
import { drain, expectInputError, roundTrip } from "./import-helpers.js";

const BW = (f: string): string => dataPath("mahimahi-bw", f);

/** Direct definition: counts per complete bin before the last timestamp, as Mbit/s. */
function naive(ts: readonly number[], binMs: number): number[] {
  const d = ts.at(-1) ?? 0;
  const n = Math.floor(d / binMs);
  const c = new Array<number>(n).fill(0);
  for (const t of ts) if (Math.floor(t / binMs) < n) c[Math.floor(t / binMs)]!++;
  return c.map((x) => opportunitiesToMbps(x, binMs));
}

describe("binMahimahi", () => {
  it("one opportunity per ms is 12 Mbit/s", () => {
    const lines = Array.from({ length: 3001 }, (_, i) => String(i));
    expect([...binMahimahi(lines, 1000)]).toEqual([12, 12, 12]);
    expect([...binMahimahi(lines.join("\n"), 100)]).toHaveLength(30);
  });
  it("counts repeated timestamps and empty bins", () => {
    // 3 opportunities in bin 0, none in bin 1, 1 in bin 2, the period ends at 3000 (bin 3 dropped)
    expect([...binMahimahi("5\n5\n999\n2500\n3000\n", 1000)]).toEqual([opportunitiesToMbps(3, 1000), 0, opportunitiesToMbps(1, 1000)]);
  });
  it("property: equals the direct definition on any sorted trace", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(50_000), { minLength: 1, maxLength: 400 }), fc.constantFrom(10, 100, 1000, 10_000), (raw, binMs) => {
        const ts = [...raw].sort((a, b) => a - b);
        expect([...binMahimahi(ts.map(String), binMs)]).toEqual(naive(ts, binMs));
      }),
    );
  });
  it("names file, line and field; lenient mode skips and counts", () => {
    expectInputError(() => binMahimahi("1\n2\nx\n", 10, { file: "t.up" }), "t.up", ["timestampMs"]);
    expectInputError(() => binMahimahi("1\n5\n3\n", 10, { file: "t.up" }), "t.up", ["timestampMs"]);
    expectInputError(() => binMahimahi("0\n100000000\n", 1000, { file: "t.up" }), "t.up", ["timestampMs"]);
    let bad = 0;
    expect([...binMahimahi("0\n1.5\n-2\n3\n20\n", 10, { file: "t.up", mode: "lenient", onBadLine: () => bad++ })]).toEqual([
      opportunitiesToMbps(2, 10),
      0,
    ]);
    expect(bad).toBe(2);
  });
  it("fuzz: only InputErrors, lenient never throws", () => {
    const line = fc.oneof(fc.nat(100_000).map(String), fc.string({ maxLength: 6 }), fc.integer({ min: -5, max: 5 }).map(String));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), fc.constantFrom(100, 1000), (lines, binMs) => {
        let strictOk = true;
        try {
          binMahimahi(lines, binMs, { file: "f.down" });
        } catch (e) {
          strictOk = false;
          expect(e).toBeInstanceOf(InputError);
          expect((e as InputError).location).toMatchObject({ file: "f.down", field: "timestampMs" });
          expect((e as InputError).location.line).toBeGreaterThan(0);
        }
        let bad = 0;
        const out = binMahimahi(lines, binMs, { file: "f.down", mode: "lenient", onBadLine: () => bad++ });
        expect(bad === 0).toBe(strictOk);
        for (const v of out) expect(v).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
  it("the binner rejects a bad bin width", () => {
    expect(() => new MahimahiBinner(0)).toThrow(RangeError);
  });
});

describeWithData("bw importer on the real mahimahi traces", () => {
  // Reference figures computed independently (python): opportunities, last timestamp D, mean Mbit/s over the
  // floor(D / bin) complete bins, and the largest bin.
  const cases = [
    { file: "ATT-LTE-driving-2016.up", opportunities: 19101, lastMs: 120002, mean: 1.9099, max: { 100: 19.08, 1000: 12.768, 10000: 4.1028 } },
    { file: "ATT-LTE-driving-2016.down", opportunities: 45604, lastMs: 120002, mean: 4.5602, max: { 100: 51.12, 1000: 27.552, 10000: 9.258 } },
    { file: "Verizon-LTE-short.up", opportunities: 69367, lastMs: 140000, mean: 5.945571, max: { 100: 16.2, 1000: 12.948, 10000: 9.918 } },
    { file: "Verizon-LTE-short.down", opportunities: 58655, lastMs: 140000, mean: 5.027486, max: { 100: 20.64, 1000: 16.776, 10000: 10.2852 } },
  ] as const;
  for (const c of cases) {
    it(`${c.file}: ${c.opportunities} opportunities, mean ${c.mean} Mbit/s`, () => {
      const lines = readFileSync(BW(c.file), "utf8").split("\n");
      expect(lines.filter((l) => l.trim() !== "")).toHaveLength(c.opportunities);
      for (const binMs of [100, 1000, 10000] as const) {
        const mbps = binMahimahi(lines, binMs, { file: c.file });
        expect(mbps).toHaveLength(Math.floor(c.lastMs / binMs));
        const mean = mbps.reduce((s, v) => s + v, 0) / mbps.length;
        expect(mean).toBeCloseTo(c.mean, 5);
        expect(Math.max(...mbps)).toBeCloseTo(c.max[binMs], 6);
      }
    });
  }
  it("imports an up/down pair as two directions of link events at each bin's end", async () => {
    const imported = await openBw([BW("ATT-LTE-driving-2016.up"), BW("ATT-LTE-driving-2016.down")], { binMs: 1000 });
    const { header, events } = await roundTrip(imported);
    expect(header.hosts.map((h) => h.id)).toEqual(["mobile", "server"]);
    expect(header.intervalMs).toBe(1000);
    const links = events as LinkEvent[];
    expect(links).toHaveLength(240);
    const up = links.filter((e) => e.from === "mobile" && e.to === "server");
    const down = links.filter((e) => e.from === "server" && e.to === "mobile");
    expect(up).toHaveLength(120);
    expect(down).toHaveLength(120);
    expect(up[0]!.tMs).toBe(1000);
    expect(up.at(-1)!.tMs).toBe(120_000);
    expect(up.reduce((s, e) => s + e.mbps!, 0) / 120).toBeCloseTo(1.9099, 6);
    expect(down.reduce((s, e) => s + e.mbps!, 0) / 120).toBeCloseTo(4.5602, 6);
    expect(imported.warnings).toEqual([]);
  });
  it("honours --from/--to and --bin-ms 100", async () => {
    const imported = await openBw(BW("Verizon-LTE-short.down"), { binMs: 100, from: "phone", to: "cloud" });
    let n = 0;
    await drain(imported, (e) => {
      expect(e).toMatchObject({ type: "link", from: "cloud", to: "phone" });
      n++;
    });
    expect(n).toBe(1400);
  });
  it("refuses two traces for one direction", async () => {
    await expect(openBw([BW("Verizon-LTE-short.up"), BW("ATT-LTE-driving-2016.up")])).rejects.toThrow(/both describe mobile -> server/);
  });
});
