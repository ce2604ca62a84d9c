/**
 * An experiment's results: one row per cell (its parameters, the checker's metrics, the code version), the
 * append-only NDJSON journal that makes a run resumable, the CSV table, and the summary over seeds (mean and
 * Student-t 95% interval per topology × pattern × load × objective × algorithm). Pure: text in, values out.
 */
import { z } from "zod";
import { InputError } from "../errors.js";
import { ObjectiveName } from "../model/problem.js";
import { parseInput } from "../validate.js";
import { cellParams, type Cell } from "./grid.js";
import { meanCi, type MeanCi } from "./stats.js";

const Objectives = z.object({ "residual-bottleneck": z.number(), "traffic-cost": z.number(), "max-utilization": z.number() });

export const Evaluation = z.object({
  feasible: z.boolean(),
  /** The violated constraint of an infeasible answer. */
  violation: z.string().nullable(),
  objectives: Objectives.nullable(),
  /** The cell's objective with the migration penalty, as the spec defines it. */
  score: z.number().nullable(),
  migrations: z.number().int().nonnegative(),
  migrationSeconds: z.number().nonnegative(),
});
export type Evaluation = z.infer<typeof Evaluation>;

export const CellMetrics = z.object({
  hosts: z.number().int(),
  links: z.number().int(),
  vms: z.number().int(),
  demands: z.number().int(),
  /** Σ demand Mbit/s. */
  demandMbps: z.number(),
  /** Σ VM cpu and Σ host cpu after the load. */
  vmCpu: z.number(),
  hostCpu: z.number(),
  /** The load window's first sample (trace loads). */
  loadStartSample: z.number().int().nullable(),
  /** The current placement, every VM staying (routed along widest paths). */
  before: Evaluation,
  /** The algorithm's answer as the checker evaluates it. */
  after: Evaluation,
  /** The solver's name for itself (e.g. `auto/mip/highs`). */
  solver: z.string(),
  /** Whether the solver proved the instance infeasible. */
  proven: z.boolean(),
  /** A proven bound on the optimum, where the solver has one. */
  bound: z.number().nullable(),
  /** Wall-clock time of the algorithm's solve, ms. */
  runtimeMs: z.number().nonnegative(),
  /** The objective's change before → after, percent of |before|, positive = better; null when either is infeasible. */
  gainPct: z.number().nullable(),
  /** False when the solver's claim of feasibility disagrees with the checker's (a solver bug). */
  agrees: z.boolean(),
});
export type CellMetrics = z.infer<typeof CellMetrics>;

export const CodeVersion = z.object({ package: z.string(), commit: z.string().nullable() });
export type CodeVersion = z.infer<typeof CodeVersion>;

export const CellStatus = { Ok: "ok", Error: "error" } as const;
export type CellStatus = (typeof CellStatus)[keyof typeof CellStatus];

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** One line of the results journal and one row of the tables. */
export const CellResult = z.object({
  experiment: z.string(),
  id: z.string().min(1),
  index: z.number().int().nonnegative(),
  scenario: z.string(),
  topology: z.string(),
  pattern: z.string(),
  load: z.string(),
  seed: z.number().int(),
  objective: ObjectiveName,
  algorithm: z.string(),
  /** Every parameter of the cell as flat `section.field` columns. */
  params: z.record(z.string(), Scalar),
  status: z.enum([CellStatus.Ok, CellStatus.Error]),
  /** Why the cell failed (status error): a bad input, a solver refusing the instance. */
  error: z.string().nullable(),
  metrics: CellMetrics.nullable(),
  version: CodeVersion,
  finishedAt: z.string(),
});
export type CellResult = z.infer<typeof CellResult>;

/** A results row for a cell (the shell adds the version and the time). */
export function cellResult(cell: Cell, experiment: string, outcome: { metrics: CellMetrics } | { error: string }, version: CodeVersion, finishedAt: string): CellResult {
  return {
    experiment,
    id: cell.id,
    index: cell.index,
    scenario: cell.scenario,
    topology: cell.topology.name,
    pattern: cell.pattern.name,
    load: cell.load.name,
    seed: cell.seed,
    objective: cell.objective,
    algorithm: cell.label,
    params: cellParams(cell),
    status: "metrics" in outcome ? CellStatus.Ok : CellStatus.Error,
    error: "error" in outcome ? outcome.error : null,
    metrics: "metrics" in outcome ? outcome.metrics : null,
    version,
    finishedAt,
  };
}

/** What a results journal holds. */
export interface Journal {
  readonly results: CellResult[];
  /** Byte length of the complete lines (a torn last line, from a crash mid-write, lies beyond). */
  readonly completeBytes: number;
  /** Whether the last line was torn (no newline): it is dropped. */
  readonly torn: boolean;
}

/**
 * Parses a results journal (NDJSON, one {@link CellResult} a line). Lines are written whole with their newline,
 * so a crash can only tear the last line: a last line without its newline is dropped (its cell runs again) and
 * reported. Any other bad line is an {@link InputError} naming the file and line: results are never dropped
 * silently. A later line for the same id replaces an earlier one (a rerun of a failed cell).
 */
export function parseJournal(text: string, file: string): Journal {
  const byId = new Map<string, CellResult>();
  const cut = text.lastIndexOf("\n") + 1;
  const lines = text.slice(0, cut).split("\n");
  lines.pop();
  lines.forEach((raw, i) => {
    if (raw.trim() === "") return;
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch (e) {
      throw new InputError({ file, line: i + 1 }, `not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const r = parseInput(CellResult, data, { file, line: i + 1 });
    byId.set(r.id, r);
  });
  return { results: [...byId.values()], completeBytes: new TextEncoder().encode(text.slice(0, cut)).length, torn: cut < text.length };
}

/** The cells still to run: those without a result (and, with `retryErrors`, those whose result is an error). */
export function pendingCells(cells: readonly Cell[], done: readonly CellResult[], retryErrors = false): Cell[] {
  const finished = new Set(done.filter((r) => !(retryErrors && r.status === CellStatus.Error)).map((r) => r.id));
  return cells.filter((c) => !finished.has(c.id));
}

/** The results of the grid's cells, in grid order (results of cells no longer in the grid are left out). */
export function resultsInGrid(cells: readonly Cell[], results: readonly CellResult[]): CellResult[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  return cells.flatMap((c) => {
    const r = byId.get(c.id);
    return r === undefined ? [] : [r];
  });
}

type CsvValue = string | number | boolean | null | undefined;

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const OBJECTIVES = ObjectiveName.options;

function evaluationColumns(prefix: string, e: Evaluation | undefined): Array<[string, CsvValue]> {
  return [
    [`${prefix}.feasible`, e?.feasible],
    [`${prefix}.violation`, e?.violation],
    ...OBJECTIVES.map((o): [string, CsvValue] => [`${prefix}.${o}`, e?.objectives?.[o]]),
    [`${prefix}.score`, e?.score],
    [`${prefix}.migrations`, e?.migrations],
    [`${prefix}.migrationSeconds`, e?.migrationSeconds],
  ];
}

/** A row's columns in order: coordinates, status, parameters (sorted), metrics, version. */
function rowColumns(r: CellResult, paramNames: readonly string[]): Array<[string, CsvValue]> {
  const m = r.metrics ?? undefined;
  return [
    ["experiment", r.experiment],
    ["id", r.id],
    ["index", r.index],
    ["scenario", r.scenario],
    ["topology", r.topology],
    ["pattern", r.pattern],
    ["load", r.load],
    ["seed", r.seed],
    ["objective", r.objective],
    ["algorithm", r.algorithm],
    ["status", r.status],
    ["error", r.error],
    ...paramNames.map((p): [string, CsvValue] => [p, r.params[p]]),
    ["hosts", m?.hosts],
    ["links", m?.links],
    ["vms", m?.vms],
    ["demands", m?.demands],
    ["demandMbps", m?.demandMbps],
    ["vmCpu", m?.vmCpu],
    ["hostCpu", m?.hostCpu],
    ["loadStartSample", m?.loadStartSample],
    ...evaluationColumns("before", m?.before),
    ...evaluationColumns("after", m?.after),
    ["solver", m?.solver],
    ["proven", m?.proven],
    ["bound", m?.bound],
    ["runtimeMs", m?.runtimeMs],
    ["gainPct", m?.gainPct],
    ["agrees", m?.agrees],
    ["version.package", r.version.package],
    ["version.commit", r.version.commit],
    ["finishedAt", r.finishedAt],
  ];
}

/** The results as CSV: a header, then one row per cell; every parameter is a column. */
export function resultsCsv(results: readonly CellResult[]): string {
  const paramNames = [...new Set(results.flatMap((r) => Object.keys(r.params)))].sort();
  const probe: CellResult = results[0] ?? { experiment: "", id: "", index: 0, scenario: "", topology: "", pattern: "", load: "", seed: 0, objective: "residual-bottleneck", algorithm: "", params: {}, status: "ok", error: null, metrics: null, version: { package: "", commit: null }, finishedAt: "" };
  const header = rowColumns(probe, paramNames).map(([k]) => csvField(k)).join(",");
  const rows = results.map((r) => rowColumns(r, paramNames).map(([, v]) => csvField(v)).join(","));
  return `${[header, ...rows].join("\n")}\n`;
}

/** One group of the summary: an algorithm on one topology × pattern × load × objective, over the seeds. */
export interface SummaryRow {
  readonly topology: string;
  readonly pattern: string;
  readonly load: string;
  readonly objective: string;
  readonly algorithm: string;
  /** Cells in the group, and how many were feasible (checker) or failed with an error. */
  readonly cells: number;
  readonly feasible: number;
  readonly errors: number;
  /** Over the feasible cells: the objective (with penalty), the objective before (where feasible), the gain. */
  readonly score: MeanCi;
  readonly before: MeanCi;
  readonly gainPct: MeanCi;
  readonly migrations: MeanCi;
  readonly runtimeMs: MeanCi;
}

/** Groups results by topology × pattern × load × objective × algorithm (in first-seen order) and summarises each over its seeds. */
export function summarize(results: readonly CellResult[], level = 0.95): SummaryRow[] {
  const groups = new Map<string, CellResult[]>();
  for (const r of results) {
    const k = JSON.stringify([r.topology, r.pattern, r.load, r.objective, r.algorithm]);
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [r]);
    else g.push(r);
  }
  return [...groups.values()].map((g) => {
    const first = g[0]!;
    const ok = g.flatMap((r) => (r.metrics !== null && r.metrics.after.feasible && r.metrics.after.score !== null ? [r.metrics] : []));
    const nums = (f: (m: CellMetrics) => number | null): number[] => ok.flatMap((m) => {
      const v = f(m);
      return v === null ? [] : [v];
    });
    return {
      topology: first.topology,
      pattern: first.pattern,
      load: first.load,
      objective: first.objective,
      algorithm: first.algorithm,
      cells: g.length,
      feasible: ok.length,
      errors: g.filter((r) => r.status === CellStatus.Error).length,
      score: meanCi(nums((m) => m.after.score), level),
      before: meanCi(nums((m) => (m.before.feasible ? m.before.score : null)), level),
      gainPct: meanCi(nums((m) => m.gainPct), level),
      migrations: meanCi(nums((m) => m.after.migrations), level),
      runtimeMs: meanCi(nums((m) => m.runtimeMs), level),
    };
  });
}

/** `mean ± half` with a precision that suits the value (or `mean` alone, `–` for no data). */
export function formatCi(c: MeanCi): string {
  if (c.n === 0 || !Number.isFinite(c.mean)) return "–";
  const digits = (x: number): number => (Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : Math.abs(x) >= 1 ? 2 : 3);
  const d = digits(c.mean);
  return c.halfWidth === null ? c.mean.toFixed(d) : `${c.mean.toFixed(d)} ± ${c.halfWidth.toFixed(c.halfWidth === 0 ? d : Math.max(d, digits(c.halfWidth)))}`;
}

/** The summary as a Markdown table (what `vadapt experiment` prints at the end). */
export function summaryMarkdown(rows: readonly SummaryRow[], level = 0.95): string {
  const pct = Math.round(level * 100);
  const head = ["topology", "pattern", "load", "objective", "algorithm", "feasible", `score (mean ± ${pct}% CI)`, `gain % vs stay`, "migrations", "runtime ms"];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  for (const r of rows) {
    lines.push(`| ${[r.topology, r.pattern, r.load, r.objective, r.algorithm, `${r.feasible}/${r.cells}${r.errors > 0 ? ` (${r.errors} err)` : ""}`, formatCi(r.score), formatCi(r.gainPct), formatCi(r.migrations), formatCi(r.runtimeMs)].join(" | ")} |`);
  }
  return `${lines.join("\n")}\n`;
}
