import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { syntheticMac } from "../../src/core/model/ids.js";
import type { TrafficEvent } from "../../src/core/trace/events.js";
import { openMpi, parseMpiGraph, parseMpipAppTimeS, placeRank } from "../../src/importers/mpi.js";
import { dataPath, describeWithData } from "../helpers/data.js";
import { expectInputError, roundTrip } from "./import-helpers.js";

const MPI = (...p: string[]): string => dataPath("mpi-comm-graphs", ...p);

function graphFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? graphFiles(join(dir, d.name)) : d.name === "graphStats.txt" ? [join(dir, d.name)] : [],
  );
}

describe("parseMpiGraph", () => {
  it("reads the Graph Information block and ignores the statistics", () => {
    const text = [
      "--------------- Graph Information----------------",
      "0 , 1 = 4.0",
      "1 , 2 = 10",
      "0 , 1 = 6",
      "----------------Graph info end -------------------",
      "Average Degree:  1.5",
    ].join("\n");
    const g = parseMpiGraph(text, "g.txt");
    expect(g).toEqual({ ranks: 3, entries: [{ src: 0, dst: 1, bytes: 10 }, { src: 1, dst: 2, bytes: 10 }], directed: false, badLines: 0 });
  });
  it("reads a bare list and sees both orientations as directed", () => {
    expect(parseMpiGraph("0,1=5\n1,0=7\n", "g").directed).toBe(true);
  });
  it("names file, line and field of a bad line; lenient mode skips and counts it", () => {
    const text = "0 , 1 = 4\n2 , x = 5\n3 , 4 = -1\n5 = 3\n";
    expectInputError(() => parseMpiGraph(text, "g.txt"), "g.txt", ["dst"]);
    const seen: InputError[] = [];
    const g = parseMpiGraph(text, "g.txt", { mode: "lenient", onBadLine: (e) => seen.push(e) });
    expect(g.entries).toEqual([{ src: 0, dst: 1, bytes: 4 }]);
    expect(g.badLines).toBe(3);
    expect(seen.map((e) => [e.location.line, e.location.field])).toEqual([[2, "dst"], [3, "bytes"], [4, "dst"]]);
  });
  it("fuzz: never throws anything but an InputError naming file, line and field; lenient never throws", () => {
    const good = fc.tuple(fc.nat(5000), fc.nat(5000), fc.double({ min: 0, max: 1e12, noNaN: true })).map(([i, j, b]) => `${i} , ${j} = ${b}`);
    const mutated = fc.tuple(good, fc.nat(30), fc.string({ maxLength: 3 })).map(([s, at, ins]) => s.slice(0, at) + ins + s.slice(at + 1));
    const line = fc.oneof(good, mutated, fc.string({ maxLength: 30 }));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const text = lines.join("\n");
        let strictOk = true;
        try {
          parseMpiGraph(text, "fuzz.txt");
        } catch (e) {
          strictOk = false;
          expect(e).toBeInstanceOf(InputError);
          const loc = (e as InputError).location;
          expect(loc.file).toBe("fuzz.txt");
          expect(loc.line).toBeGreaterThanOrEqual(1);
          expect(["src", "dst", "bytes"]).toContain(loc.field);
        }
        let bad = 0;
        const g = parseMpiGraph(text, "fuzz.txt", { mode: "lenient", onBadLine: () => bad++ });
        expect(g.badLines).toBe(bad);
        expect(bad === 0).toBe(strictOk);
        for (const e of g.entries) expect(e.bytes).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
  it("places ranks blockwise (sizes differ by at most 1) or round-robin", () => {
    const count = (p: "block" | "round-robin", ranks: number, hosts: number): number[] => {
      const c = new Array<number>(hosts).fill(0);
      for (let r = 0; r < ranks; r++) c[placeRank(r, ranks, hosts, p)]!++;
      return c;
    };
    expect(count("block", 1000, 16).every((c) => c === 62 || c === 63)).toBe(true);
    expect(placeRank(0, 1000, 16, "block")).toBe(0);
    expect(placeRank(999, 1000, 16, "block")).toBe(15);
    expect(count("round-robin", 10, 4)).toEqual([3, 3, 2, 2]);
  });
});

describeWithData("mpi importer on the real graphs", () => {
  // Reference figures computed independently (python over the graphStats.txt files).
  const cases = [
    { run: "NPB/cg_results/64_ranks", ranks: 64, pairs: 184, bytes: 73513504500, intervalMs: 12200 },
    { run: "NPB/bt_results/1024_ranks", ranks: 1024, pairs: 4089, bytes: 271830861012, intervalMs: 1000 },
    { run: "CloverLeaf/1152_ranks", ranks: 1152, pairs: 3385, bytes: 484124464408, intervalMs: 1000 },
    { run: "CoMD/1000_ranks", ranks: 1000, pairs: 999, bytes: 3996, intervalMs: 1000 },
    { run: "miniMD/64_ranks", ranks: 64, pairs: 192, bytes: 39906485928, intervalMs: 48200 },
  ];
  for (const c of cases) {
    it(`${c.run}: ${c.ranks} ranks, ${c.pairs} pairs, ${c.bytes} bytes`, async () => {
      const { header, events } = await roundTrip(await openMpi(MPI(c.run), { hosts: 16 }));
      expect(header.vms).toHaveLength(c.ranks);
      expect(header.hosts).toHaveLength(16);
      expect(header.vms[5]).toMatchObject({ id: "rank5", mac: syntheticMac(6) });
      expect(header.intervalMs).toBe(c.intervalMs);
      expect(events).toHaveLength(1);
      const t = events[0] as TrafficEvent;
      expect(t).toMatchObject({ type: "traffic", startMs: 0, intervalMs: c.intervalMs, tMs: c.intervalMs });
      expect(t.host).toBeUndefined();
      expect(t.entries).toHaveLength(c.pairs);
      expect(t.entries.reduce((s, e) => s + e[2], 0)).toBe(c.bytes);
    });
  }
  it("every shipped graph: undirected (each pair once, i < j), ranks as the folder says", () => {
    const files = graphFiles(MPI());
    expect(files).toHaveLength(20);
    for (const f of files) {
      const g = parseMpiGraph(readFileSync(f, "utf8"), f);
      expect(g.directed, f).toBe(false);
      expect(g.entries.every((e) => e.src < e.dst), f).toBe(true);
      expect(String(g.ranks), f).toBe(/(\d+)_ranks/.exec(dirname(f))![1]);
    }
  });
  it("reads the run time from the mpiP report beside the graph", () => {
    const dir = MPI("NPB/cg_results/64_ranks");
    const report = readdirSync(dir).find((n) => n.endsWith(".mpiP"))!;
    expect(parseMpipAppTimeS(readFileSync(join(dir, report), "utf8"))).toBe(12.2);
  });
});
