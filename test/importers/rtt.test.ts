import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import type { LinkEvent } from "../../src/core/trace/events.js";
import { DEFAULT_SLICE_MS, openRtt, parseRttMatrix, sliceNumber } from "../../src/importers/rtt.js";
import { dataPath, describeWithData } from "../helpers/data.js";
import { drain, expectInputError, roundTrip } from "./import-helpers.js";

describe("parseRttMatrix", () => {
  it("keeps measured entries, NaN on the diagonal and where missing", () => {
    const m = parseRttMatrix("0\t0.2\t0\n0.1\t0.5\t-1\n0.3\t0.4\t0\n", "m");
    expect(m.n).toBe(3);
    expect(m.missing).toBe(2);
    expect(m.nonZeroDiagonal).toBe(1);
    expect([...m.rttS].map((v) => (Number.isNaN(v) ? null : v))).toEqual([null, 0.2, null, 0.1, null, null, 0.3, 0.4, null]);
  });
  it("names file, line and column; lenient mode skips and counts rows", () => {
    expectInputError(() => parseRttMatrix("0\t1\n1\tx\n", "m.tsv"), "m.tsv", ["column 2"]);
    expectInputError(() => parseRttMatrix("0\t1\n1\t0\t3\n", "m.tsv"), "m.tsv", ["column *"]);
    let bad = 0;
    const m = parseRttMatrix("0\t1\n1\tx\n", "m.tsv", { mode: "lenient", onBadLine: () => bad++ });
    expect(m.badLines).toBe(1);
    expect(bad).toBe(1);
    expect(m.rttS[1]).toBe(1);
    expect(Number.isNaN(m.rttS[2]!)).toBe(true);
  });
  it("fuzz: only InputErrors naming file, line and column; lenient never throws", () => {
    const cell = fc.oneof(fc.double({ min: -1, max: 100, noNaN: true }).map(String), fc.constant("0"), fc.string({ maxLength: 4 }));
    const row = fc.array(cell, { minLength: 1, maxLength: 6 }).map((cs) => cs.join("\t"));
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), (rows) => {
        const text = rows.join("\n");
        let strictOk = true;
        try {
          parseRttMatrix(text, "s.tsv");
        } catch (e) {
          strictOk = false;
          expect(e).toBeInstanceOf(InputError);
          const loc = (e as InputError).location;
          expect(loc.file).toBe("s.tsv");
          if (loc.line !== undefined) expect(loc.field).toMatch(/^column \d+$/);
        }
        try {
          let bad = 0;
          const m = parseRttMatrix(text, "s.tsv", { mode: "lenient", onBadLine: () => bad++ });
          expect(m.badLines).toBe(bad);
          expect(bad === 0).toBe(strictOk);
        } catch (e) {
          // only an empty matrix (every line blank) is an error even in lenient mode
          expect(e).toBeInstanceOf(InputError);
          expect((e as InputError).location.line).toBeUndefined();
        }
      }),
      { numRuns: 300 },
    );
  });
  it("slice numbers come from the file name", () => {
    expect(sliceNumber("/x/SeattleData_688")).toBe(688);
    expect(sliceNumber("/x/README.md")).toBeUndefined();
  });
});

describeWithData("rtt importer on the Seattle matrices", () => {
  const first48 = dataPath("rtt-seattle", "Seattle_first48");
  it("first 48 slices: 99 hosts, 462910 one-way latencies, 2786 missing entries", async () => {
    const imported = await openRtt(first48);
    const { header, events } = await roundTrip(imported);
    expect(header.hosts).toHaveLength(99);
    expect(header.hosts[0]!.id).toBe("n1");
    expect(header.intervalMs).toBe(DEFAULT_SLICE_MS);
    expect(header.meta).toMatchObject({ nodes: 99, slices: 48, firstSlice: 1, lastSlice: 48 });
    const links = events as LinkEvent[];
    expect(links).toHaveLength(48 * 99 * 98 - 2786);
    expect(links.at(-1)!.tMs).toBe(47 * DEFAULT_SLICE_MS);
    // SeattleData_1 row 1 is "0 0.17 0.32 ...": n1 → n2 has RTT 0.17 s, one-way 85 ms
    expect(links[0]).toEqual({ type: "link", tMs: 0, from: "n1", to: "n2", latencyMs: 85 });
    expect(imported.warnings[0]).toMatch(/^2786 of 465696 off-diagonal RTTs are missing/);
    expect(imported.warnings).toContain("406 non-zero diagonal entries ignored");
  });
  it("--slice-ms sets the spacing; a subset keeps its slice numbers", async () => {
    const files = ["SeattleData_10", "SeattleData_9"].map((f) => join(first48, f));
    const times = new Set<number>();
    const n = await drain(await openRtt(files, { sliceMs: 1000 }), (e) => times.add(e.tMs));
    expect([...times]).toEqual([8000, 9000]);
    expect(n).toBeGreaterThan(2 * 9000);
  });

  describe("the 688-slice archive", () => {
    const dir = mkdtempSync(join(tmpdir(), "vadapt-rtt-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    it("688 slices: 6636831 latencies, 38145 missing, same first 48 as the unpacked ones", async () => {
      execFileSync("tar", ["-xJf", dataPath("rtt-seattle", "Seattle_99nodes_688slices.tar.xz"), "-C", dir]);
      const slices = join(dir, "Seattle");
      expect(readdirSync(slices)).toHaveLength(688);
      expect(readFileSync(join(slices, "SeattleData_17"), "utf8")).toBe(readFileSync(join(first48, "SeattleData_17"), "utf8"));
      const imported = await openRtt(slices);
      expect(imported.header.hosts).toHaveLength(99);
      let sum = 0;
      const n = await drain(imported, (e) => (sum += (e as LinkEvent).latencyMs!));
      expect(n).toBe(6636831);
      expect(imported.warnings[0]).toMatch(/^38145 of 6674976 off-diagonal RTTs are missing .* in 688 of 688 slices/);
      expect(imported.warnings).toContain("6189 non-zero diagonal entries ignored");
      expect(imported.warnings).toContain("10149 RTTs above 10 s (kept as measured)");
      expect(sum / n).toBeCloseTo(183.8013873, 5); // mean one-way latency, ms (python over the same files)
    });
  });
});
