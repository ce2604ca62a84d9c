import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { captureOutput } from "../helpers/cli.js";
import { parseLeads } from "../../src/cli/commands/predict.js";
import { createRng } from "../../src/core/rng.js";
import { simulateArma } from "../core/predict/simulate.js";

const dir = mkdtempSync(join(tmpdir(), "vadapt-predict-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const io = captureOutput();

const x = simulateArma(createRng(1), 600, [0.8], [], 50, 2);
const u = simulateArma(createRng(2), 600, [0.9], [], 10, 1);
const y = x.map((v, t) => v + 3 * u[t]!);

function file(name: string, text: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const plain = file("x.txt", `# a comment\n${Array.from(x).join("\n")}\n`);
const csv = file("xy.csv.gz", gzipSync(`time;\tload;\ttraffic\n${Array.from(y, (v, t) => `${t};\t${v};\t${u[t]}`).join("\n")}\n`));

describe("lead lists", () => {
  it("parses N, ranges and lists", () => {
    expect(parseLeads("3")).toEqual([1, 2, 3]);
    expect(parseLeads("2..4")).toEqual([2, 3, 4]);
    expect(parseLeads("1,5,30")).toEqual([1, 5, 30]);
    expect(parseLeads("1..3,10")).toEqual([1, 2, 3, 10]);
    expect(() => parseLeads("0")).toThrow(/not a lead list/);
    expect(() => parseLeads("5..2")).toThrow(/not a lead list/);
  });
});

describe("vadapt predict on series files", () => {
  it("fits and forecasts with variances and intervals", async () => {
    expect(await main(["predict", plain, "--model", "ar:2", "--ahead", "3"])).toBe(0);
    expect(io.out).toMatch(/series\s+.*x\.txt: values, 600 samples/);
    expect(io.out).toMatch(/model\s+ar:2 \(yule-walker\)/);
    expect(io.out).toMatch(/ahead\s+forecast\s+variance\s+stddev\s+95% low\s+95% high\n1\s/);
    expect(io.out.trim().split("\n").at(-1)).toMatch(/^3\s/);
  });

  it("prints JSON forecasts with non-decreasing variances", async () => {
    expect(await main(["predict", plain, "--model", "arma:1,1", "--ahead", "1,5,30", "--json"])).toBe(0);
    const j = JSON.parse(io.out) as { samples: number; model: { kind: string; ar: number[] }; forecast: Array<{ lead: number; value: number; variance: number }> };
    expect(j.samples).toBe(600);
    expect(j.model.kind).toBe("linear");
    expect(j.forecast.map((f) => f.lead)).toEqual([1, 5, 30]);
    expect(j.forecast[0]!.variance).toBeLessThanOrEqual(j.forecast[1]!.variance);
    expect(j.forecast[1]!.variance).toBeLessThanOrEqual(j.forecast[2]!.variance);
    expect(Math.abs(j.forecast[2]!.value - 50)).toBeLessThan(3);
  });

  it("reads a column of a gzipped ;-separated file and fits ARX on an input column", async () => {
    expect(await main(["predict", csv, "--column", "load", "--input-column", "traffic", "--model", "arx:1,2", "--json", "--ahead", "2"])).toBe(0);
    const j = JSON.parse(io.out) as { series: string; model: { kind: string; inputs: number[][] } };
    expect(j.series).toBe("column 'load'");
    // y_t = x_t + 3 u_t with x an AR(1) of coefficient 0.8: y_t = c + 0.8 y_{t-1} + 3 u_t - 2.4 u_{t-1} + e_t.
    expect(j.model.inputs[0]![0]).toBeCloseTo(3, 0);
    expect(j.model.inputs[0]![1]).toBeCloseTo(-2.4, 0);
  });

  it("saves a model and loads it back for the same forecast", async () => {
    const saved = join(dir, "m.json");
    expect(await main(["predict", plain, "--model", "ar-burg:4", "--save", saved, "--json", "--ahead", "5"])).toBe(0);
    const first = JSON.parse(io.out) as { forecast: unknown };
    const f = JSON.parse(readFileSync(saved, "utf8")) as { format: string; version: number; fittedOn: { samples: number; series: string }; model: { spec: string } };
    expect(f.format).toBe("vadapt-predictor");
    expect(f.fittedOn).toMatchObject({ samples: 600, series: "values" });
    expect(f.model.spec).toBe("ar-burg:4");
    io.out = "";
    expect(await main(["predict", plain, "--load", saved, "--json", "--ahead", "5"])).toBe(0);
    expect((JSON.parse(io.out) as { forecast: unknown }).forecast).toEqual(first.forecast);
  });

  it("compares every model and the selector out of sample, with sweet spots", async () => {
    expect(await main(["predict", csv, "--column", "2", "--input-column", "traffic", "--compare", "--sweet-spot"])).toBe(0);
    expect(io.out).toMatch(/fit on 300, scored on 300/);
    for (const m of ["mean", "last", "bm:32", "ar:16", "ar-burg:16", "ma:4", "arma:4,4", "arima:2,1,2", "wavelet:d8:2:ar:8", "arx:8,4", "nws(mse,100)"]) expect(io.out).toMatch(new RegExp(`\\n${m.replace(/[()]/g, "\\$&")}\\s+\\d`));
    expect(io.out).toMatch(/model\s+1 ahead\s+5 ahead\s+30 ahead/);
    expect(io.out).toMatch(/selector picks/);
    expect(io.out).toMatch(/sweet spot \(bin, ar:8/);
    expect(io.out).toMatch(/sweet spot \(wavelet, d8, ar:8/);
  });

  it("compare --json has every number, and a model too big for the series is reported, not fatal", async () => {
    const short = file("short.txt", Array.from(x.subarray(0, 60)).join("\n"));
    expect(await main(["predict", short, "--compare", "--json", "--models", "mean last ar:2 ar:40", "--ahead", "1,2"])).toBe(0);
    const j = JSON.parse(io.out) as { train: number; models: Array<{ name: string; error?: string; leads: Array<{ lead: number; mse: number; mae: number; ratio: number; n: number }> }>; selector: { leads: unknown[] } };
    expect(j.train).toBe(30);
    expect(j.models.map((m) => m.name)).toEqual(["mean", "last", "ar:2", "ar:40"]);
    expect(j.models[3]!.error).toMatch(/needs at least 41 samples/);
    expect(j.models[2]!.leads[0]).toMatchObject({ lead: 1, n: 30 });
    expect(j.selector.leads).toHaveLength(2);
  });

  it("forecasts with the NWS selector", async () => {
    expect(await main(["predict", plain, "--model", "nws", "--models", "mean;last;ar:1", "--ahead", "3"])).toBe(0);
    expect(io.out).toMatch(/nws selector \(mse, window 100, horizon 3\) over mean, last, ar:1/);
  });

  it("reports bad input with file, line and column; --lenient skips it", async () => {
    const bad = file("bad.csv", "a,b\n1,2\n3,oops\n5,6\n7,8\n9,10\n11,12\n");
    expect(await main(["predict", bad, "--column", "b", "--model", "mean"])).toBe(2);
    expect(io.err).toContain(`${bad}:3: field 'column 'b'': 'oops' is not a finite number [E_BAD_INPUT]`);
    io.err = "";
    expect(await main(["predict", bad, "--column", "b", "--model", "mean", "--lenient", "--ahead", "1"])).toBe(0);
    expect(io.err).toContain("warning: skipped 1 malformed line(s)");
    expect(io.out).toMatch(/5 samples/);
  });

  it("explains option mistakes", async () => {
    const two = file("two.csv", "a,b\n1,2\n");
    expect(await main(["predict", two])).toBe(2);
    expect(io.err).toMatch(/2 columns: choose the series with --column \('a', 'b'\)/);
    expect(await main(["predict", plain, "--model", "arx:2,2"])).toBe(2);
    expect(io.err).toMatch(/needs exogenous inputs/);
    expect(await main(["predict", plain, "--model", "ar"])).toBe(2);
    expect(io.err).toMatch(/model spec 'ar'.*needs 1 number/s);
    expect(await main(["predict", plain, "--model", "ar:700"])).toBe(2);
    expect(await main(["predict", plain, "--compare", "--save", join(dir, "no.json")])).toBe(2);
  });
});

describe("vadapt predict on traces", () => {
  const header = {
    type: "header",
    format: "vadapt-trace",
    version: 1,
    hosts: [{ id: "h1" }, { id: "h2" }],
    vms: [
      { id: "a", mac: "02:00:00:00:00:01", host: "h1" },
      { id: "b", mac: "02:00:00:00:00:02", host: "h2" },
    ],
    links: [{ from: "h1", to: "h2", mbps: 100, latencyMs: 10 }],
  };
  const lines = [JSON.stringify(header)];
  for (let t = 0; t < 200; t++) {
    const bytes = Math.round(1000 + 100 * Math.sin(t / 5));
    // Both daemons report the inter-host frames: the pair series counts them once (the sender's host, h1).
    lines.push(JSON.stringify({ type: "traffic", tMs: t * 1000 + 1000, host: "h1", startMs: t * 1000, intervalMs: 1000, entries: t % 50 === 7 ? [] : [["02:00:00:00:00:01", "02:00:00:00:00:02", bytes, 1]] }));
    lines.push(JSON.stringify({ type: "traffic", tMs: t * 1000 + 1000, host: "h2", startMs: t * 1000, intervalMs: 1000, entries: t % 50 === 7 ? [] : [["02:00:00:00:00:01", "02:00:00:00:00:02", bytes, 1]] }));
    lines.push(JSON.stringify({ type: "load", tMs: t * 1000 + 1000, host: "h1", cpuPct: 50 + 10 * Math.sin(t / 7), netOutMbps: bytes / 125 }));
    if (t % 2 === 0) lines.push(JSON.stringify({ type: "link", tMs: t * 1000 + 1001, from: "h1", to: "h2", mbps: 90 + (t % 10) }));
  }
  const trace = file("small.trace", `${lines.join("\n")}\n`);

  it("predicts a host's load measure", async () => {
    expect(await main(["predict", trace, "--host", "h1", "--model", "ar:4", "--ahead", "2"])).toBe(0);
    expect(io.out).toMatch(/host h1 cpuPct, 200 samples/);
  });

  it("extracts a MAC pair's traffic per interval, deduplicated, with empty intervals as 0", async () => {
    expect(await main(["predict", trace, "--pair", "a:b", "--model", "mean", "--json", "--ahead", "1"])).toBe(0);
    const j = JSON.parse(io.out) as { series: string; samples: number; model: { mean: number } };
    expect(j.series).toBe("pair a->b bytes");
    expect(j.samples).toBe(200);
    let s = 0;
    for (let t = 0; t < 200; t++) s += t % 50 === 7 ? 0 : Math.round(1000 + 100 * Math.sin(t / 5));
    expect(j.model.mean).toBeCloseTo(s / 200, 9);
    io.out = "";
    expect(await main(["predict", trace, "--pair", "02:00:00:00:00:01:02:00:00:00:00:02", "--field", "mbps", "--model", "last", "--json", "--ahead", "1"])).toBe(0);
    expect((JSON.parse(io.out) as { forecast: Array<{ value: number }> }).forecast[0]!.value).toBeCloseTo((Math.round(1000 + 100 * Math.sin(199 / 5)) * 8) / 1e6, 12);
  });

  it("predicts a link measure and takes input measures of the same subject for ARX", async () => {
    expect(await main(["predict", trace, "--link", "h1:h2", "--model", "ar:2", "--ahead", "1"])).toBe(0);
    expect(io.out).toMatch(/link h1->h2 mbps, 100 samples/);
    io.out = "";
    expect(await main(["predict", trace, "--host", "h1", "--field", "netOutMbps", "--input-field", "cpuPct", "--model", "arx:2,1", "--ahead", "1"])).toBe(0);
    expect(io.out).toMatch(/input 1/);
  });

  it("needs a series selection and rejects unknown subjects", async () => {
    expect(await main(["predict", trace])).toBe(2);
    expect(io.err).toMatch(/looks like a vadapt trace: choose a series with --host/);
    expect(await main(["predict", trace, "--vm", "zz"])).toBe(2);
    expect(io.err).toMatch(/unknown VM 'zz'/);
    expect(await main(["predict", trace, "--pair", "a:nobody"])).toBe(2);
    expect(io.err).toMatch(/'nobody' is neither a VM id of the trace header nor a MAC address/);
    expect(await main(["predict", trace, "--host", "h1", "--link", "h1:h2"])).toBe(2);
  });
});
