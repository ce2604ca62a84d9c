/**
 * Prediction accuracy study (issue 4) on real series from ../shared/data:
 * - Bitbrains Rnd (5-minute samples, July 2013): VMs 1, 35 and 41, network in, network out and CPU;
 * - Abilene (SNDlib, 5-minute traffic matrices, 17 days of 2004): the three largest OD pairs;
 * - Seattle RTT (688 slices): three complete node pairs at the 25th/50th/75th percentile of mean RTT;
 * - mahimahi cellular capacity traces binned to 100 ms, 1 s and 10 s.
 * For every series: fit each model on the first half, stream the second half, and print MSE / variance of the
 * test half for 1, 5 and 30 steps ahead, for every model and the NWS selector over the models without inputs
 * (LAST and MEAN are rows); then
 * the sweet-spot resolution per trace (binning and D8 approximations, AR(8), one step ahead).
 * ARX gets a related series as input with its true future values (what a plan would know): Bitbrains net out
 * from net in (and net in from net out, CPU from both), an OD pair from its reverse pair, an RTT from the
 * reverse direction, a downlink capacity from its uplink.
 *
 * Run: npm run bench -- predict-accuracy, or `npx tsx bench/predict-accuracy.bench.ts [--markdown] [--window N]`
 * (markdown tables to paste into docs; the selector's window, default 100).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { gunzipSync } from "node:zlib";
import { DEFAULT_MODELS } from "../src/cli/commands/predict.js";
import { evaluate, type Evaluation } from "../src/core/predict/evaluate.js";
import { parseSpecList } from "../src/core/predict/spec.js";
import { sweetSpot, type SweetSpot } from "../src/core/predict/sweet-spot.js";
import { binMahimahi } from "../src/importers/bw.js";
import { parseLoadText } from "../src/importers/load.js";
import { parseRttMatrix, sliceNumber } from "../src/importers/rtt.js";
import { orderSeriesNames, parseDemandMatrixXml } from "../src/importers/sndlib.js";
import { dataPath, HAVE_SHARED_DATA, SHARED_DATA } from "../test/helpers/data.js";

interface StudySeries {
  readonly group: string;
  readonly name: string;
  /** Sampling interval, for the table. */
  readonly step: string;
  readonly values: Float64Array;
  /** ARX input (same length), with what it is. */
  readonly input?: { readonly name: string; readonly values: Float64Array };
}

const markdown = process.argv.includes("--markdown");
const windowArg = process.argv.indexOf("--window");
/** The selector's rolling window (errors per model and lead); `--window N` to change. */
const WINDOW = windowArg > 0 ? Number(process.argv[windowArg + 1]) : 100;
const LEADS = [1, 5, 30];
const BASE_MODELS = parseSpecList(DEFAULT_MODELS);
const ARX_MODELS = parseSpecList("arx:8,4");
const MODELS = [...BASE_MODELS, ...ARX_MODELS];

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "vadapt-accuracy-"));
}

function bitbrains(): StudySeries[] {
  const out: StudySeries[] = [];
  for (const vm of [1, 35, 41]) {
    const file = dataPath("bitbrains-rnd", "2013-7", `${vm}.csv.gz`);
    const [series] = parseLoadText(gunzipSync(readFileSync(file)).toString("utf8"), file, { format: "bitbrains", subject: `vm${vm}` });
    const rows = series!.rows;
    const col = (f: "cpuPct" | "netInMbps" | "netOutMbps"): Float64Array => Float64Array.from(rows, (r) => r[f] ?? Number.NaN);
    const [cpu, netIn, netOut] = [col("cpuPct"), col("netInMbps"), col("netOutMbps")];
    out.push({ group: "bitbrains", name: `vm${vm} netIn`, step: "5 min", values: netIn, input: { name: "netOut", values: netOut } });
    out.push({ group: "bitbrains", name: `vm${vm} netOut`, step: "5 min", values: netOut, input: { name: "netIn", values: netIn } });
    out.push({ group: "bitbrains", name: `vm${vm} cpu`, step: "5 min", values: cpu, input: { name: "netIn", values: netIn } });
  }
  return out;
}

function abilene(): StudySeries[] {
  const dir = tmp();
  try {
    execFileSync("tar", ["-xJf", dataPath("sndlib", "dynamic", "abilene_5min_17days_xml.tar.xz"), "-C", dir]);
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".xml"));
    const { names } = orderSeriesNames(files);
    const series = new Map<string, Float64Array>();
    names.forEach((name, t) => {
      const m = parseDemandMatrixXml(readFileSync(join(dir, name), "utf8"), name);
      for (const d of m.network.demands) {
        const key = `${d.source}>${d.target}`;
        let s = series.get(key);
        if (s === undefined) series.set(key, (s = new Float64Array(names.length)));
        s[t] = d.valueMbps; // a pair absent from a matrix carried no traffic: 0
      }
    });
    const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    const top = [...series.entries()].filter(([k]) => k.split(">")[0] !== k.split(">")[1]).sort((a, b) => mean(b[1]) - mean(a[1])).slice(0, 3);
    return top.map(([key, values]) => {
      const [s, d] = key.split(">") as [string, string];
      const reverse = series.get(`${d}>${s}`) ?? new Float64Array(values.length);
      return { group: "abilene", name: `${s}->${d} Mbps`, step: "5 min", values, input: { name: `${d}->${s}`, values: reverse } };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function seattle(): StudySeries[] {
  const dir = tmp();
  try {
    execFileSync("tar", ["-xJf", dataPath("rtt-seattle", "Seattle_99nodes_688slices.tar.xz"), "-C", dir]);
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((f) => sliceNumber(f) !== undefined && /SeattleData_\d+$/.test(f))
      .sort((a, b) => sliceNumber(a)! - sliceNumber(b)!);
    const mats = files.map((f) => parseRttMatrix(readFileSync(join(dir, f), "utf8"), f, { mode: "lenient" }));
    const n = mats[0]!.n;
    const complete: Array<{ i: number; j: number; mean: number }> = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        let s = 0;
        let ok = true;
        for (const m of mats) {
          const v = m.rttS[i * n + j]!;
          const r = m.rttS[j * n + i]!;
          if (!(v > 0) || !(r > 0)) {
            ok = false;
            break;
          }
          s += v;
        }
        if (ok) complete.push({ i, j, mean: s / mats.length });
      }
    }
    complete.sort((a, b) => a.mean - b.mean || a.i - b.i || a.j - b.j);
    return [0.25, 0.5, 0.75].map((q) => {
      const { i, j } = complete[Math.floor(q * (complete.length - 1))]!;
      const pick = (a: number, b: number): Float64Array => Float64Array.from(mats, (m) => m.rttS[a * n + b]! * 1000);
      return { group: "seattle", name: `n${i + 1}->n${j + 1} RTT ms (p${q * 100})`, step: "slice", values: pick(i, j), input: { name: "reverse", values: pick(j, i) } };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function mahimahi(): StudySeries[] {
  const dir = tmp();
  try {
    execFileSync("tar", ["-xJf", dataPath("mahimahi-bw", "mahimahi_cellular_traces.tar.xz"), "-C", dir]);
    const out: StudySeries[] = [];
    for (const trace of ["ATT-LTE-driving", "TMobile-UMTS-driving", "Verizon-EVDO-driving", "Verizon-LTE-short"]) {
      const text = (dirName: string): string => readFileSync(join(dir, "traces", `${trace}.${dirName}`), "utf8");
      const [down, up] = [text("down"), text("up")];
      for (const [binMs, label] of [[100, "100 ms"], [1000, "1 s"], [10_000, "10 s"]] as const) {
        const d = binMahimahi(down, binMs, { file: `${trace}.down` });
        const u = binMahimahi(up, binMs, { file: `${trace}.up` });
        const n = Math.min(d.length, u.length);
        out.push({ group: "mahimahi", name: `${trace}.down`, step: label, values: d.slice(0, n), input: { name: "up", values: u.slice(0, n) } });
      }
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? "n/a" : v >= 10 ? v.toFixed(1) : v.toFixed(3));

function leadTable(rows: Array<{ s: StudySeries; r: Evaluation }>, li: number): string {
  const names = [...MODELS.map((_, k) => rows[0]!.r.models[k]!.name), "nws"];
  const header = ["series", "step", "n", ...names];
  const body = rows.map(({ s, r }) => {
    const ratios = [...r.models.map((m) => m.leads[li]?.ratio), r.selector?.leads[li]?.ratio];
    const finite = ratios.slice(0, -1).filter((v): v is number => v !== undefined && !Number.isNaN(v));
    const best = finite.length > 0 ? Math.min(...finite) : Number.NaN;
    return [`${s.group} ${s.name}`, s.step, String(s.values.length), ...ratios.map((v, k) => `${fmt(v)}${k < ratios.length - 1 && v === best ? "*" : ""}`)];
  });
  return render(header, body);
}

function render(header: string[], body: string[][], leftLast = false): string {
  if (markdown) return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...body.map((r) => `| ${r.join(" | ")} |`)].join("\n");
  const w = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)));
  return [header, ...body].map((r) => r.map((v, c) => (c < 2 || (leftLast && c === r.length - 1) ? v.padEnd(w[c]!) : v.padStart(w[c]!))).join("  ").trimEnd()).join("\n");
}

function spotCell(s: SweetSpot): string {
  return s.best === null ? "n/a" : `x${s.best.blockSamples} (${fmt(s.best.ratio)})`;
}

function main(): void {
  if (!HAVE_SHARED_DATA) {
    process.stdout.write(`*** SKIPPED: ../shared/data not found at ${SHARED_DATA} ***\n`);
    return;
  }
  const t0 = performance.now();
  const all: StudySeries[] = [];
  for (const [label, load] of [["bitbrains", bitbrains], ["abilene", abilene], ["seattle", seattle], ["mahimahi", mahimahi]] as const) {
    const t = performance.now();
    const got = load();
    all.push(...got);
    process.stdout.write(`loaded ${label}: ${got.length} series in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  }
  const tEval = performance.now();
  const results: Array<{ s: StudySeries; r: Evaluation; bin: SweetSpot; wav: SweetSpot }> = [];
  for (const s of all) {
    // The selector chooses among the models without inputs; ARX (given its future inputs) is scored on its own.
    const base = evaluate(s.values, BASE_MODELS, { leads: LEADS, selector: { criterion: "mse", window: WINDOW } });
    const arx = evaluate(s.values, ARX_MODELS, { leads: LEADS, inputs: s.input !== undefined ? [s.input.values] : [], selector: null });
    const r: Evaluation = { ...base, models: [...base.models, ...arx.models] };
    results.push({ s, r, bin: sweetSpot(s.values, { method: "bin", minSamples: 64 }), wav: sweetSpot(s.values, { method: "wavelet", minSamples: 64 }) });
  }
  const evalSec = (performance.now() - tEval) / 1000;
  process.stdout.write(`\nMSE / variance of the test half (fit on the first half); * = best single model; nws = NWS selector (rolling MSE, window ${WINDOW}) over the models without inputs.\n`);
  process.stdout.write(`ARX (arx:8,4) is given the true future values of its input (see the header of this script).\n`);
  LEADS.forEach((h, li) => process.stdout.write(`\n${h} step${h > 1 ? "s" : ""} ahead\n${leadTable(results, li)}\n`));

  // Summary: median ratio per model and lead, and how often each model beats LAST and MEAN.
  process.stdout.write(`\nSummary over ${results.length} series: median MSE/variance (series where the model could be fitted), and the share of series where it beats LAST / MEAN\n`);
  const names = [...results[0]!.r.models.map((m) => m.name), "nws"];
  const summaryRows = names.map((name, k) => {
    const cells = LEADS.flatMap((_, li) => {
      const pairs = results
        .map(({ r }) => {
          const m = k < r.models.length ? r.models[k]! : r.selector!;
          return { v: m.leads[li]?.ratio, last: r.models[1]!.leads[li]?.ratio, mean: r.models[0]!.leads[li]?.ratio };
        })
        .filter((p): p is { v: number; last: number; mean: number } => p.v !== undefined && !Number.isNaN(p.v) && p.last !== undefined && p.mean !== undefined);
      const sorted = pairs.map((p) => p.v).sort((a, b) => a - b);
      const med = sorted.length === 0 ? Number.NaN : sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
      const beatLast = pairs.filter((p) => p.v < p.last).length;
      const beatMean = pairs.filter((p) => p.v < p.mean).length;
      return [fmt(med), `${beatLast}/${beatMean} of ${pairs.length}`];
    });
    return [name, ...cells];
  });
  process.stdout.write(`${render(["model", ...LEADS.flatMap((h) => [`median ${h}`, `<LAST/<MEAN ${h}`])], summaryRows)}\n`);

  process.stdout.write(`\nSweet spot per trace: the resolution (samples per coarse step) with the lowest one-step MSE/variance, AR(8) fitted at each level (Qiao, Skicewicz & Dinda, HPDC 2004)\n`);
  process.stdout.write(
    `${render(
      ["series", "step", "n", "bin: best", "wavelet d8: best", "bin ratios by resolution x1 x2 x4 ..."],
      results.map(({ s, bin, wav }) => [`${s.group} ${s.name}`, s.step, String(s.values.length), spotCell(bin), spotCell(wav), bin.levels.map((l) => fmt(l.ratio)).join(" ")]),
      true,
    )}\n`,
  );
  const failed = results.flatMap(({ s, r }) => r.models.filter((m) => m.error !== undefined).map((m) => `${s.group} ${s.name} ${s.step}: ${m.name}`));
  if (failed.length > 0) process.stdout.write(`\nnot fitted (series too short for the model): ${failed.length} (model, series) pairs, e.g. ${failed.slice(0, 4).join("; ")}\n`);
  process.stdout.write(`\n${all.length} series; loading took ${((tEval - t0) / 1000).toFixed(1)} s, evaluation and sweet spots ${evalSec.toFixed(1)} s\n`);
}

main();
