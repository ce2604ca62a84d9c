/**
 * Running one cell of an experiment: build its instance (./scenario.ts), evaluate the current placement (the
 * `stay` baseline: the "before"), run the cell's algorithm, and have the independent checker
 * (src/core/solve/checker.ts) evaluate the answer. Every number in the result comes from the checker, never from
 * the solver's own report, so that all algorithms are measured by one ruler. Pure: the clock and the LP solver
 * are injected by the shell (the harness's worker threads).
 */
import { algorithm } from "../baselines/index.js";
import { Routing } from "../baselines/common.js";
import { stayBaseline } from "../baselines/stay.js";
import { maximizes, type Instance, type Solution } from "../model/problem.js";
import { checkSolution } from "../solve/checker.js";
import type { LpSolver } from "../solve/lp-solver.js";
import type { SolveOptions } from "../solve/plugin.js";
import type { Cell } from "./grid.js";
import type { CellMetrics, Evaluation } from "./results.js";
import { buildScenario, type ExperimentInputs } from "./scenario.js";

export interface RunCellDeps {
  /** Milliseconds from any origin. */
  readonly clock: () => number;
  /** The LP/MIP solver the cell's `solver.lp` names (needed by mip and auto). */
  readonly lp?: LpSolver;
}

/** Evaluates a solver's answer with the independent checker. */
export function evaluate(instance: Instance, s: Solution): Evaluation {
  if (!s.feasible) {
    return { feasible: false, violation: s.violations?.[0]?.constraint ?? "unknown", objectives: null, score: null, migrations: 0, migrationSeconds: 0 };
  }
  const r = checkSolution(instance, s);
  return {
    feasible: r.feasible,
    violation: r.feasible ? null : (r.violations[0]?.constraint ?? "unknown"),
    objectives: r.objectives,
    score: r.score,
    migrations: r.migrations.length,
    migrationSeconds: r.migrationSeconds,
  };
}

/** Signed improvement, percent of |before|: positive when `after` is better under `objective`. */
export function gainPct(before: number, after: number, maximize: boolean): number | null {
  if (before === 0 || !Number.isFinite(before) || !Number.isFinite(after)) return null;
  const d = maximize ? after - before : before - after;
  return (100 * d) / Math.abs(before);
}

/** Runs one cell: its instance, the before, the algorithm's answer, the checker's verdict. */
export async function runCell(inputs: ExperimentInputs, cell: Cell, deps: RunCellDeps): Promise<CellMetrics> {
  const { instance, load } = buildScenario(inputs, cell);
  const before = evaluate(instance, await stayBaseline(Routing.Widest).solve(instance, { seed: cell.seed }));
  const a = cell.algorithm;
  const plugin = algorithm(a.name, a.routing as Routing | undefined);
  const options: SolveOptions = {
    seed: cell.seed,
    clock: deps.clock,
    iterations: a.iterations ?? cell.solver.iterations,
    // annealing with a move budget is reproducible; a deadline would make it depend on the machine's load
    ...(a.name === "anneal" ? {} : { deadlineMs: a.deadlineMs ?? cell.solver.deadlineMs }),
    ...(deps.lp !== undefined ? { lp: deps.lp } : {}),
  };
  const t0 = deps.clock();
  const solution = await plugin.solve(instance, options);
  const runtimeMs = Math.max(0, deps.clock() - t0);
  const after = evaluate(instance, solution);
  const max = maximizes(cell.objective);
  const gain = before.score !== null && after.score !== null && before.feasible && after.feasible ? gainPct(before.score, after.score, max) : null;
  return {
    hosts: instance.hosts.length,
    links: instance.links.length,
    vms: instance.vms.length,
    demands: instance.demands.length,
    demandMbps: round6(instance.demands.reduce((s, d) => s + d.mbps, 0)),
    vmCpu: round6(instance.vms.reduce((s, v) => s + v.cpu, 0)),
    hostCpu: round6(instance.hosts.reduce((s, h) => s + h.cpu, 0)),
    loadStartSample: load?.startSample ?? null,
    before,
    after,
    solver: solution.solver,
    proven: solution.proven === true,
    bound: solution.bound,
    runtimeMs,
    gainPct: gain,
    agrees: solution.feasible === after.feasible,
  };
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
