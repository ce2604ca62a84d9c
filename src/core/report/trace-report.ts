/**
 * The report of a trace (`vadapt report run.trace`): VTTIF's inferred topology per traffic phase (Gupta et al.,
 * VTTIF, and Sundararaj & Dinda's VADAPT use of it), the traffic matrix as heatmaps over time (snapshots of the
 * VM × VM matrix, and the heaviest VM pairs × time), an RPS-style one-step-ahead prediction of the offered load
 * against what happened with its 95% intervals (Dinda & O'Hallaron), and, from the what-if planner run on the
 * same trace, the objective before and after each plan and the migrations on a timeline.
 */
import { vmId } from "../model/ids.js";
import { parseRefitPolicy, RefittingPredictor } from "../predict/refit.js";
import { parseSpec } from "../predict/spec.js";
import type { AggregatedInterval } from "../vttif/aggregate.js";
import { inferTopology, PhaseTracker } from "../vttif/phases.js";
import { toMbps } from "../vttif/smooth.js";
import { htmlPage, type Section } from "./html.js";
import { planSections, type PlanReportFile } from "./plan-report.js";
import { fmt, graphChart, heatmap, lineChart } from "./svg.js";

/** One aggregated interval of a trace, as VTTIF's aggregator produces it. */
type TraceInterval = AggregatedInterval;

/** The VMs of an interval's matrix (a prefix of the trace's VMs). */
const size = (iv: TraceInterval): number => iv.matrix.macs.length;

export interface TraceReportInput {
  readonly trace: string;
  readonly name: string | null;
  readonly hosts: number;
  /** VM ids in matrix order (the aggregator's MAC order). */
  readonly vms: readonly string[];
  readonly intervals: readonly AggregatedInterval[];
  /** The what-if planner's report on the same trace (null: not run). */
  readonly plan: PlanReportFile | null;
  /** The prediction model (RPS spec), default `ar:8`. */
  readonly model?: string;
}

const SNAPSHOTS = 6;
const TOP_PAIRS = 24;
const MAX_COLUMNS = 120;

/** Mean Mbit/s matrix (n × n, n = the largest) over a run of intervals. */
function meanMatrix(ivs: readonly TraceInterval[], n: number): number[] {
  const sum = new Array<number>(n * n).fill(0);
  for (const iv of ivs) {
    const r = toMbps(iv.matrix.bytes, iv.intervalMs);
    const m = size(iv);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) sum[i * n + j]! += r[i * m + j]!;
  }
  return sum.map((v) => (ivs.length > 0 ? v / ivs.length : 0));
}

/** Splits `count` items into at most `parts` consecutive runs of near-equal length. */
function runs(count: number, parts: number): Array<[number, number]> {
  const k = Math.max(1, Math.min(parts, count));
  return Array.from({ length: k }, (_, i) => [Math.floor((i * count) / k), Math.floor(((i + 1) * count) / k)] as [number, number]).filter(([a, b]) => b > a);
}

function topologySection(input: TraceReportInput): Section {
  const tracker = new PhaseTracker();
  for (const iv of input.intervals) tracker.push(iv);
  const phases = tracker.finish();
  const plots = phases.slice(-4).map((p) => {
    const ids = input.vms.slice(0, p.n);
    const t = inferTopology(p.meanMbps, p.n, ids.map((id) => vmId(id)));
    const c = t.classification;
    const edges = t.demands.map((d) => ({ from: d.src as string, to: d.dst as string, weight: d.mbps }));
    return graphChart(`topology-${p.index + 1}`, `phase ${p.index + 1} (${fmt(p.startMs / 1000)}–${fmt(p.endMs / 1000)} s): ${c.class}, confidence ${c.confidence.toFixed(2)}`, ids.map((id) => ({ id })), edges, { unit: "Mbit/s" });
  });
  return {
    id: "topology",
    title: "Inferred application topology (VTTIF)",
    note: `${phases.length} traffic phase(s) found by VTTIF's change detector${phases.length > 4 ? " (the last 4 shown)" : ""}; each graph is the phase's pruned topology (edge width ∝ Mbit/s), with the recognised shape and its confidence.`,
    plots,
  };
}

function heatmapSection(input: TraceReportInput): Section {
  const ivs = input.intervals;
  const n = Math.max(0, ...ivs.map(size));
  const ids = input.vms.slice(0, n);
  const snaps = runs(ivs.length, SNAPSHOTS).map(([a, b], k) => {
    const m = meanMatrix(ivs.slice(a, b), n);
    const rows = Array.from({ length: n }, (_, i) => m.slice(i * n, (i + 1) * n));
    return heatmap(`matrix-${k}`, `${fmt(ivs[a]!.startMs / 1000)}–${fmt((ivs[b - 1]!.startMs + ivs[b - 1]!.intervalMs) / 1000)} s`, ids, ids, rows, { unit: "Mbit/s", cell: Math.max(3, Math.min(18, Math.floor(260 / Math.max(1, n)))) });
  });
  // heaviest pairs over time
  const total = meanMatrix(ivs, n);
  const pairs = total.map((v, k) => ({ k, v })).filter((p) => p.v > 0).sort((a, b) => b.v - a.v).slice(0, TOP_PAIRS);
  const cols = runs(ivs.length, MAX_COLUMNS);
  const grid = pairs.map(({ k }) => cols.map(([a, b]) => meanMatrix(ivs.slice(a, b), n)[k]!));
  const over = pairs.length === 0 ? [] : [heatmap("pairs-over-time", "heaviest VM pairs over time", pairs.map(({ k }) => `${ids[Math.floor(k / n)]}→${ids[k % n]}`), cols.map(([a]) => `${fmt(ivs[a]!.startMs / 1000)}s`), grid, { unit: "Mbit/s", cell: Math.max(4, Math.min(14, Math.floor(640 / Math.max(1, cols.length)))) })];
  return {
    id: "traffic",
    title: "Traffic matrix over time",
    note: `Mean Mbit/s from VM (row) to VM (column) over ${snaps.length} consecutive slices of the trace's ${ivs.length} intervals, then the ${pairs.length} heaviest VM pairs across time.`,
    plots: [...snaps, ...over],
  };
}

function predictionSection(input: TraceReportInput): Section {
  const spec = input.model ?? "ar:8";
  const ivs = input.intervals;
  const ys = ivs.map((iv) => toMbps(iv.matrix.bytes, iv.intervalMs).reduce((s, v) => s + v, 0));
  const p = Number(/\d+/.exec(spec)?.[0] ?? 8);
  const train = Math.floor(ys.length / 2);
  if (train < Math.max(8, 2 * p)) {
    return { id: "prediction", title: "Prediction vs actual", note: `Too few intervals (${ys.length}) to fit ${spec} on the first half and predict the second.`, plots: [] };
  }
  // RPS's managed predictor: refit on the last `train` samples when the one-step error outgrows the model's own
  const predictor = new RefittingPredictor(parseSpec(spec), ys.slice(0, train), parseRefitPolicy(`managed:4:${train}:8`));
  const xs: number[] = [];
  const pred: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  let inside = 0;
  for (let t = train; t < ys.length; t++) {
    const f = predictor.predict(1);
    const v = f.values[0]!;
    const half = 1.96 * Math.sqrt(Math.max(0, f.variances[0]!));
    xs.push(ivs[t]!.startMs / 1000);
    pred.push(v);
    lo.push(v - half);
    hi.push(v + half);
    if (ys[t]! >= v - half && ys[t]! <= v + half) inside++;
    predictor.step(ys[t]!);
  }
  const allX = ivs.map((iv) => iv.startMs / 1000);
  const mse = pred.reduce((s, v, i) => s + (v - ys[train + i]!) ** 2, 0) / pred.length;
  return {
    id: "prediction",
    title: "Prediction vs actual",
    note: `Offered load (Σ of the traffic matrix, Mbit/s) per interval; ${spec} fitted on the first ${train} intervals, then one-step-ahead predictions with 95% intervals (±1.96 σ of the model's error variance) over the rest, refitted on the last ${train} intervals whenever the error over the last 8 steps exceeds 4× what the model expects (RPS's managed predictor; ${predictor.refits} refit(s)). MSE ${fmt(mse)}; ${inside}/${pred.length} actual values inside their interval.`,
    plots: [lineChart("prediction", `one-step-ahead ${spec} prediction`, "time (s)", "Mbit/s", [{ name: "actual", xs: allX, ys }, { name: `predicted (${spec}) ± 95%`, xs, ys: pred, lo, hi, dashed: true }])],
  };
}

export function traceReport(input: TraceReportInput): string {
  const sections: Section[] = [];
  if (input.intervals.length === 0) {
    sections.push({ id: "traffic", title: "Traffic", note: "The trace holds no traffic reports: nothing to infer or predict.", plots: [] });
  } else {
    sections.push(topologySection(input), heatmapSection(input), predictionSection(input));
  }
  if (input.plan !== null) sections.push(...planSections(input.plan, "plan-"));
  return htmlPage(
    `Trace report: ${input.name ?? input.trace}`,
    [`${input.trace}: ${input.vms.length} VMs on ${input.hosts} hosts, ${input.intervals.length} traffic intervals${input.plan !== null ? "; the what-if planner replayed it with the default service configuration" : ""}`],
    sections,
    "Generated by vadapt report from a trace: VTTIF inference, RPS-style prediction and the what-if planner, the same code the service runs.",
  );
}
