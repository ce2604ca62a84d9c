/**
 * The report of an experiment's results (`vadapt report results.json`): the algorithm comparison with Student-t
 * confidence intervals over seeds per topology × pattern × load × objective, the objective before (the current
 * placement) and after each algorithm, the gain over not adapting, migrations and runtime, and the summary table.
 */
import { z } from "zod";
import { CellResult, CodeVersion, formatCi, summarize, type SummaryRow } from "../experiment/results.js";
import { meanCi } from "../experiment/stats.js";
import { htmlPage, type Section } from "./html.js";
import { ciChart, dumbbellChart, type Estimate } from "./svg.js";

/** What a report needs of a results.json (`vadapt experiment`'s output). */
export const ResultsFile = z.object({
  kind: z.literal("vadapt-experiment-results"),
  experiment: z.string(),
  description: z.string().nullable().optional(),
  version: CodeVersion,
  cells: z.number().int().nonnegative(),
  results: z.array(CellResult),
});
export type ResultsFile = z.infer<typeof ResultsFile>;

/** Charts with more groups than this are cut (the table has them all). */
const MAX_GROUPS = 36;

const estimate = (label: string, c: ReturnType<typeof meanCi>): Estimate => ({ label, mean: c.mean, low: c.low, high: c.high, note: `n=${c.n}` });

function groupKey(r: Pick<SummaryRow, "topology" | "pattern" | "load" | "objective">): string {
  return `${r.topology} · ${r.pattern} · ${r.load} · ${r.objective}`;
}

/** Pooled over every scenario of an objective: the estimate of `f` per algorithm. */
function pooled(results: readonly CellResult[], objective: string, algorithms: readonly string[], f: (r: CellResult) => number | null): Estimate[] {
  return algorithms.map((a) => {
    const vs = results.filter((r) => r.objective === objective && r.algorithm === a).flatMap((r) => {
      const v = f(r);
      return v === null || !Number.isFinite(v) ? [] : [v];
    });
    return estimate(a, meanCi(vs));
  });
}

export function resultsReport(file: ResultsFile): string {
  const results = file.results;
  const summary = summarize(results);
  const groups = [...new Set(summary.map(groupKey))];
  const algorithms = [...new Set(results.map((r) => r.algorithm))];
  const objectives = [...new Set(results.map((r) => r.objective))];
  const sections: Section[] = [];
  const cut = (n: number): string => (n > MAX_GROUPS ? ` Showing the first ${MAX_GROUPS} of ${n} groups; the table below has them all.` : "");

  sections.push({
    id: "comparison",
    title: "Algorithm comparison",
    note: `The objective each algorithm reaches (with the migration penalty; the checker's evaluation), mean over seeds with its 95% Student-t interval, per topology · pattern · load · objective. residual-bottleneck: higher is better; traffic-cost and max-utilization: lower is better.${cut(groups.length)}`,
    plots: groups.slice(0, MAX_GROUPS).map((g, i) => ciChart(`cmp-${i}`, g, `${g.split(" · ").at(-1)} (mean ± 95% CI)`, summary.filter((s) => groupKey(s) === g).map((s) => estimate(s.algorithm, s.score)))),
  });
  sections.push({
    id: "before-after",
    title: "Objective before and after",
    note: `Before: the current placement with every VM staying (widest-path routing). After: each algorithm's plan. Means over the seeds where both are feasible.${cut(groups.length)}`,
    plots: groups.slice(0, MAX_GROUPS).map((g, i) =>
      dumbbellChart(`ba-${i}`, g, g.split(" · ").at(-1)!, summary.filter((s) => groupKey(s) === g).map((s) => ({ label: s.algorithm, before: s.before.mean, after: s.score.mean }))),
    ),
  });
  sections.push({
    id: "gain",
    title: "Gain over not adapting",
    note: "Change of the objective against the current placement, percent, positive = better, pooled over every topology, pattern, load and seed of an objective (mean ± 95% t-interval).",
    plots: objectives.map((o, i) => ciChart(`gain-${i}`, `gain % — ${o}`, "gain over stay, % (mean ± 95% CI)", pooled(results, o, algorithms, (r) => r.metrics?.gainPct ?? null))),
  });
  sections.push({
    id: "migrations",
    title: "Migrations",
    note: "VMs moved by each plan (pooled over scenarios and seeds, feasible plans only).",
    plots: objectives.map((o, i) => ciChart(`mig-${i}`, `migrations — ${o}`, "VMs moved (mean ± 95% CI)", pooled(results, o, algorithms, (r) => (r.metrics?.after.feasible === true ? r.metrics.after.migrations : null)))),
  });
  sections.push({
    id: "runtime",
    title: "Runtime",
    note: "Wall-clock solve time per cell, ms (worker threads in parallel; indicative, machine-dependent).",
    plots: [ciChart("runtime", "solve time", "ms (mean ± 95% CI)", algorithms.map((a) => estimate(a, meanCi(results.filter((r) => r.algorithm === a && r.metrics !== null).map((r) => r.metrics!.runtimeMs)))))],
    table: {
      head: ["topology", "pattern", "load", "objective", "algorithm", "feasible", "score (95% CI)", "before", "gain %", "migrations", "runtime ms"],
      rows: summary.map((s) => [s.topology, s.pattern, s.load, s.objective, s.algorithm, `${s.feasible}/${s.cells}${s.errors > 0 ? ` (${s.errors} err)` : ""}`, formatCi(s.score), formatCi(s.before), formatCi(s.gainPct), formatCi(s.migrations), formatCi(s.runtimeMs)]),
    },
  });
  const errors = results.filter((r) => r.status === "error").length;
  return htmlPage(
    `Experiment ${file.experiment}`,
    [
      ...(file.description != null && file.description !== "" ? [file.description] : []),
      `${results.length}/${file.cells} cells · ${algorithms.length} algorithms · ${objectives.length} objective(s) · ${errors} error(s) · vadapt ${file.version.package}${file.version.commit !== null ? ` @ ${file.version.commit}` : ""}`,
    ],
    sections,
    "Generated by vadapt report from an experiment's results.json. Metrics are the independent checker's, not the solvers' own claims.",
  );
}
