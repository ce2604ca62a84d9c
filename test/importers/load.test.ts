import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import type { LoadEvent } from "../../src/core/trace/events.js";
import {
  detectLoadFormat,
  LOAD_FORMATS,
  LoadFormat,
  MBPS_PER_KBPS,
  openLoad,
  parseAlibabaUsageRow,
  parseBitbrainsRow,
  parseLoadText,
} from "../../src/importers/load.js";
import { drain, expectInputError, roundTrip } from "./import-helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "vadapt-load-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const BB_HEADER =
  "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\tDisk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]";
const bbRow = (t: number, cpuPct: number, netIn = 1000): string => [t, 2, 5000, 50 * cpuPct, cpuPct, 4096, 1024, 0, 0, netIn, 500].join(";\t");

describe("load parsers", () => {
  it("Bitbrains: seconds despite the [ms] label, memPct from usage/provisioned, KB/s (1024 B) to Mbit/s", () => {
    const [s] = parseLoadText([BB_HEADER, bbRow(1372629804, 1.5), bbRow(1372630104, 3)].join("\n"), "7.csv");
    expect(s!.subject).toBe("7.csv");
    expect(s!.rows[0]).toEqual({ subject: "7.csv", tS: 1372629804, cpuPct: 1.5, memPct: 25, netInMbps: 1000 * MBPS_PER_KBPS, netOutMbps: 500 * MBPS_PER_KBPS });
    expect(MBPS_PER_KBPS).toBeCloseTo(0.008192, 12);
  });
  it("Alibaba: 9 columns, empty cells allowed", () => {
    expect(parseAlibabaUsageRow("m_1932,386640,41,92,,,43.04,33.08,5", { line: 1 })).toEqual({
      machine: "m_1932",
      timeS: 386640,
      cpuPct: 41,
      memPct: 92,
      netIn: 43.04,
      netOut: 33.08,
      diskIoPct: 5,
    });
    expect(parseLoadText("m_1,0,41,92,,,1,1,5\nm_2,0,,50,,,1,1,5\n", "u.csv")).toEqual([
      { subject: "m_1", rows: [{ subject: "m_1", tS: 0, cpuPct: 41, memPct: 92 }] },
      { subject: "m_2", rows: [{ subject: "m_2", tS: 0, memPct: 50 }] },
    ]);
  });
  it("Azure: row r at (r - 1) * 300 s, one series per column", () => {
    const series = parseLoadText("row,a,b\r\n1,1.5,2\r\n2,3,4\r\n", "avg.csv");
    expect(series.map((s) => [s.subject, s.rows.map((r) => [r.tS, r.cpuPct])])).toEqual([
      ["a", [[0, 1.5], [300, 3]]],
      ["b", [[0, 2], [300, 4]]],
    ]);
  });
  it("PlanetLab: line k at (k - 1) * 300 s, so a skipped line leaves a gap", () => {
    const [s] = parseLoadText("5\nx\n7\n", "vm", { mode: "lenient" });
    expect(s!.rows.map((r) => [r.tS, r.cpuPct])).toEqual([[0, 5], [600, 7]]);
  });
  it("detects formats from the first line", () => {
    expect(detectLoadFormat(BB_HEADER)).toBe("bitbrains");
    expect(detectLoadFormat("row,1633748,223811")).toBe("azure");
    expect(detectLoadFormat("m_1932,386640,41,92,,,43.04,33.08,5")).toBe("alibaba");
    expect(detectLoadFormat("m_1,0,219,17,96,100,USING")).toBe("alibaba-meta");
    expect(detectLoadFormat("24")).toBe("planetlab");
    expect(detectLoadFormat("hello")).toBeUndefined();
  });
  it("names file, line and field of a bad value", () => {
    expectInputError(() => parseLoadText([BB_HEADER, bbRow(10, 1), "10;\t2;\t5000;\tx;\t1;\t1;\t1;\t0;\t0;\t1;\t1"].join("\n"), "b.csv"), "b.csv", ["CPU usage [MHZ]"]);
    expectInputError(() => parseLoadText([BB_HEADER, bbRow(10, 1), bbRow(5, 1)].join("\n"), "b.csv"), "b.csv", ["Timestamp [ms]"]);
    expectInputError(() => parseLoadText("m_1,0,41,92,,,1,1\n", "u.csv", { format: LoadFormat.Alibaba }), "u.csv", ["disk_io_percent"]);
    expectInputError(() => parseLoadText("row,a,b\n1,1.5,-2\n", "avg.csv"), "avg.csv", ["vm b"]);
    expectInputError(() => parseLoadText("5\n-1\n", "vm", { format: LoadFormat.PlanetLab }), "vm", ["cpu"]);
  });
  for (const format of LOAD_FORMATS) {
    it(`fuzz ${format}: only InputErrors naming file, line and field; lenient skips and counts`, () => {
      const valid: Record<LoadFormat, fc.Arbitrary<string>> = {
        bitbrains: fc.tuple(fc.nat(2e9), fc.double({ min: 0, max: 200, noNaN: true })).map(([t, c]) => bbRow(t, c)),
        alibaba: fc.tuple(fc.nat(99), fc.nat(700000), fc.nat(100)).map(([m, t, c]) => `m_${m},${t},${c},50,,,1.5,2.5,3`),
        azure: fc.tuple(fc.integer({ min: 1, max: 9 }), fc.double({ min: 0, max: 100, noNaN: true })).map(([r, c]) => `${r},${c},${c / 2}`),
        planetlab: fc.nat(100).map(String),
      };
      const mutate = fc.tuple(valid[format], fc.nat(40), fc.string({ maxLength: 3 })).map(([s, at, ins]) => s.slice(0, at) + ins + s.slice(at + 1));
      const line = fc.oneof(valid[format], mutate, fc.string({ maxLength: 20 }));
      const head = format === "bitbrains" ? [BB_HEADER] : format === "azure" ? ["row,x,y"] : [];
      fc.assert(
        fc.property(fc.array(line, { minLength: 1, maxLength: 25 }), (lines) => {
          const text = [...head, ...lines].join("\n");
          let strictOk = true;
          try {
            parseLoadText(text, "f", { format });
          } catch (e) {
            strictOk = false;
            expect(e).toBeInstanceOf(InputError);
            const loc = (e as InputError).location;
            expect(loc.file).toBe("f");
            if (loc.line !== undefined) expect(loc.field ?? "").not.toBe("");
          }
          let bad = 0;
          const series = parseLoadText(text, "f", { format, mode: "lenient", onBadLine: () => bad++ });
          if (lines.some((l) => l.trim() !== "")) expect(bad === 0).toBe(strictOk);
          for (const s of series) for (const r of s.rows) expect(r.cpuPct ?? 0).toBeGreaterThanOrEqual(0);
        }),
        { numRuns: 200 },
      );
    });
  }
  it("fuzz: detection never throws", () => {
    fc.assert(fc.property(fc.string(), (s) => void detectLoadFormat(s)));
  });
});

describe("load importer on small files", () => {
  it("merges Bitbrains VMs in time order, counts skipped lines in lenient mode", async () => {
    const d = join(tmp, "bb");
    mkdirSync(d);
    writeFileSync(join(d, "1.csv"), [BB_HEADER, bbRow(100, 1), bbRow(400, 2), bbRow(700, 3)].join("\n"));
    writeFileSync(join(d, "2.csv.gz"), gzipSync([BB_HEADER, bbRow(250, 5), "garbage", bbRow(550, 6), bbRow(550, 7)].join("\n")));
    writeFileSync(join(d, "README"), "not data");
    await expect(openLoad(d).then((t) => drain(t))).rejects.toThrow(/2\.csv\.gz:3: field 'CPU cores'/);
    const t = await openLoad(d, { mode: "lenient" });
    const { header, events } = await roundTrip(t);
    expect(header.vms.map((v) => [v.id, v.cpu, v.memMB])).toEqual([["1", 2, 4], ["2", 2, 4]]);
    expect(header.startTime).toBe(new Date(100_000).toISOString());
    expect((events as LoadEvent[]).map((e) => [e.tMs, e.vm, e.cpuPct])).toEqual([
      [0, "1", 1], [150_000, "2", 5], [300_000, "1", 2], [450_000, "2", 6], [450_000, "2", 7], [600_000, "1", 3],
    ]);
    expect(t.warnings.join("\n")).toMatch(/skipped 1 malformed line/);
    expect(t.warnings.join("\n")).toMatch(/1 row\(s\) repeat the previous row's time stamp/);
  });
  it("Alibaba: splits the file into rising runs and merges them, plain or gzipped", async () => {
    const rows = ["m_2,10,1,1,,,0,0,0", "m_2,30,2,1,,,0,0,0", "m_1,0,3,1,,,0,0,0", "m_1,20,4,1,,,0,0,0", "m_1,40,5,1,,,0,0,0", "m_3,5,6,1,,,0,0,0"];
    const plain = join(tmp, "ali");
    mkdirSync(plain);
    writeFileSync(join(plain, "machine_usage.csv"), `${rows.join("\n")}\n`);
    writeFileSync(join(plain, "machine_meta.csv"), "m_1,0,1,1,96,100,USING\nm_1,9,1,1,64,100,USING\nm_2,0,1,1,32,100,USING\n");
    const gz = join(tmp, "ali-gz");
    mkdirSync(gz);
    writeFileSync(join(gz, "machine_usage.csv.gz"), gzipSync(rows.join("\r\n")));
    for (const d of [plain, gz]) {
      const t = await openLoad(d);
      const { header, events } = await roundTrip(t);
      expect(header.hosts.map((h) => [h.id, h.cpu])).toEqual(d === plain ? [["m_1", 64], ["m_2", 32], ["m_3", 1]] : [["m_1", 1], ["m_2", 1], ["m_3", 1]]);
      expect((events as LoadEvent[]).map((e) => [e.tMs / 1000, e.host, e.cpuPct])).toEqual([
        [0, "m_1", 3], [5, "m_3", 6], [10, "m_2", 1], [20, "m_1", 4], [30, "m_2", 2], [40, "m_1", 5],
      ]);
    }
  });
  it("refuses mixed formats and a machine_meta.csv given as usage", async () => {
    const d = join(tmp, "mixed");
    mkdirSync(d);
    writeFileSync(join(d, "a"), "5\n6\n");
    writeFileSync(join(d, "b.csv"), "row,x\n1,2\n");
    writeFileSync(join(d, "meta.csv"), "m_1,0,1,1,96,100,USING\n");
    await expect(openLoad([join(d, "a"), join(d, "b.csv")])).rejects.toThrow(/mix formats/);
    await expect(openLoad(join(d, "meta.csv"))).rejects.toThrow(/machine_meta/);
    await expect(openLoad(join(d, "b.csv"), { format: LoadFormat.PlanetLab }).then((t) => drain(t))).rejects.toThrow(InputError);
  });
});

describe("load parser invariants", () => {
  it("parseBitbrainsRow rejects a short row naming the missing column", () => {
    expect(() => parseBitbrainsRow("1;\t2", { file: "x", line: 3 })).toThrow(/x:3: field 'CPU capacity provisioned \[MHZ\]'/);
  });
});
