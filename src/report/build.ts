/**
 * `vadapt report`'s shell: recognises the input (an experiment's results.json or results directory, the what-if
 * planner's JSON report, or a trace), reads and validates it, and hands it to the pure report builders in
 * src/core/report/.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { forEachTraceInterval } from "../adapters/trace/intervals.js";
import { openTrace } from "../adapters/trace/reader.js";
import { ConfigError, InputError, IoError } from "../core/errors.js";
import { planReport, PlanReportFile } from "../core/report/plan-report.js";
import { resultsReport, ResultsFile } from "../core/report/results-report.js";
import { traceReport } from "../core/report/trace-report.js";
import type { AggregatedInterval } from "../core/vttif/aggregate.js";
import { parseInput } from "../core/validate.js";
import { loadConfig } from "../service/config.js";
import { runWhatIf } from "../service/planner.js";
import { readLineBatches } from "../adapters/trace/lines.js";

export const ReportKind = { Results: "results", Plan: "plan", Trace: "trace" } as const;
export type ReportKind = (typeof ReportKind)[keyof typeof ReportKind];

export interface ReportOptions {
  /** Read mode for traces. */
  readonly mode?: "strict" | "lenient";
  /** Trace reports: also replay the trace through the what-if planner (default true). */
  readonly plan?: boolean;
  /** Trace reports: the prediction model (RPS spec). */
  readonly model?: string;
}

/** The first non-blank line of a file (gzip handled), or undefined. */
async function firstLine(path: string): Promise<string | undefined> {
  for await (const batch of readLineBatches(path)) for (const l of batch) if (l.text.trim() !== "") return l.text;
  return undefined;
}

/** The input's path (a results directory means its results.json) and kind. */
export async function detectReportInput(path: string): Promise<{ path: string; kind: ReportKind }> {
  const st = await stat(path).catch((e: unknown) => {
    throw new IoError(path, `cannot open: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
  if (st.isDirectory()) return { path: join(path, "results.json"), kind: ReportKind.Results };
  const head = await firstLine(path);
  if (head === undefined) throw new InputError({ file: path }, "empty file: expected results.json, a plan report (vadapt plan --json) or a trace");
  if (/^\s*\{\s*"type"\s*:\s*"header"/.test(head) || head.includes('"format":"vadapt-trace"')) return { path, kind: ReportKind.Trace };
  if (/"kind"\s*:\s*"vadapt-experiment-results"/.test(head)) return { path, kind: ReportKind.Results };
  return { path, kind: ReportKind.Plan };
}

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, "utf8").catch((e: unknown) => {
    throw new IoError(path, `cannot read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError({ file: path }, `not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Every aggregated traffic interval of a trace (VTTIF's aggregator), with the VM ids in matrix order. */
export async function readTraceIntervals(path: string, mode: "strict" | "lenient"): Promise<{ name: string | null; hosts: number; vms: string[]; intervals: AggregatedInterval[] }> {
  const reader = await openTrace(path, { mode });
  const intervals: AggregatedInterval[] = [];
  const { vmIds: vms } = await forEachTraceInterval(reader, (iv) => intervals.push(iv));
  const header = reader.header;
  return { name: header.name ?? null, hosts: header.hosts.length, vms, intervals };
}

/** Builds the report's HTML from an input of any kind. */
export async function buildReport(input: string, options: ReportOptions = {}): Promise<{ kind: ReportKind; html: string }> {
  const { path, kind } = await detectReportInput(input);
  switch (kind) {
    case ReportKind.Results:
      return { kind, html: resultsReport(parseInput(ResultsFile, await readJson(path), { file: path })) };
    case ReportKind.Plan: {
      const data = await readJson(path);
      if (typeof data !== "object" || data === null || !("decisions" in data)) {
        throw new ConfigError("report", [`${path}: not an experiment's results.json, a plan report (vadapt plan --json) or a trace`]);
      }
      return { kind, html: planReport(parseInput(PlanReportFile, data, { file: path })) };
    }
    case ReportKind.Trace: {
      const mode = options.mode ?? "strict";
      const t = await readTraceIntervals(path, mode);
      const plan = options.plan === false ? null : parseInput(PlanReportFile, JSON.parse(JSON.stringify(await runWhatIf(path, { config: loadConfig(undefined, {}), read: { mode } }))), { file: path, field: "(what-if report)" });
      return { kind, html: traceReport({ trace: path, ...t, plan, ...(options.model !== undefined ? { model: options.model } : {}) }) };
    }
  }
}
