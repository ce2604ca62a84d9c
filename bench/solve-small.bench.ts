/**
 * Exactness and quality on small instances (issue 5, "Must show"): 200 seeded feasible random instances (<= 6 VMs,
 * <= 4 hosts, <= 6 demands, every constraint kind, the three objectives): the optimum by brute force; greedy,
 * annealing, branch and bound and the MIP (HiGHS and glpk.js) against it — mean and worst gap to optimal, misses, time — and how
 * loose the aggregated LP relaxation's bound is. (The exact optimum for 12 VMs: bench/solve-exact12.)
 *
 * Gap = |score − optimum| / max(|score|, |optimum|) (0 when both are 0), in %.
 */
import { glpkSolver } from "../src/adapters/lp/glpk.js";
import { highsSolver } from "../src/adapters/lp/highs.js";
import { table } from "../src/cli/format.js";
import { randomInstance } from "../src/core/instances/random.js";
import { Objective } from "../src/core/model/problem.js";
import { createRng } from "../src/core/rng.js";
import { bruteForce } from "../src/core/solve/brute-force.js";
import { verifySolution } from "../src/core/solve/checker.js";
import { compileNet } from "../src/core/solve/net.js";
import { solvers } from "../src/core/solve/plugin.js";
import { relaxationBound } from "../src/core/solve/relaxation.js";

const clock = (): number => performance.now();
const gap = (score: number, opt: number): number => {
  const d = Math.max(Math.abs(score), Math.abs(opt));
  return d === 0 ? 0 : Math.abs(score - opt) / d;
};
const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
const ms = (x: number): string => (x < 10 ? x.toFixed(2) : x.toFixed(0));

// warm both LP solvers up (WebAssembly compilation) so that the first instance is not charged for it
for (const lp of [highsSolver, glpkSolver]) await solvers.mip!.solve(randomInstance(createRng(0), { hosts: 2, vms: 3, demands: 2 }), { lp });

// ---- 1. 200 small instances against brute force
interface Row {
  found: number;
  gaps: number[];
  times: number[];
  byObjective: Record<string, number[]>;
}
const names = ["greedy", "anneal", "bnb", "mip/highs", "mip/glpk"] as const;
const rows: Record<string, Row> = Object.fromEntries(names.map((n) => [n, { found: 0, gaps: [], times: [], byObjective: {} }]));
const boundGaps: Record<string, number[]> = {};
const rng = createRng(2024);
let feasible = 0;
let tried = 0;
let bruteMs = 0;
while (feasible < 200) {
  tried++;
  const r = rng.fork();
  const inst = randomInstance(r, { hosts: 1 + r.int(4), vms: 1 + r.int(6), demands: r.int(7) });
  const t0 = clock();
  const best = bruteForce(inst);
  bruteMs += clock() - t0;
  if (best === null) continue;
  feasible++;
  const opt = best.report.score;
  for (const name of names) {
    const [plugin, lp] = name === "mip/highs" ? ["mip", highsSolver] : name === "mip/glpk" ? ["mip", glpkSolver] : [name, undefined];
    const s = await solvers[plugin]!.solve(inst, { clock, seed: feasible, ...(lp !== undefined ? { lp } : {}) });
    const problems = verifySolution(inst, s);
    if (problems.length > 0) throw new Error(`${name} on instance ${feasible}: ${problems.join("; ")}`);
    const row = rows[name]!;
    row.times.push(s.millis);
    if (!s.feasible) continue;
    row.found++;
    const g = gap(s.score!, opt);
    row.gaps.push(g);
    (row.byObjective[inst.objective] ??= []).push(g);
  }
  const bound = await relaxationBound(compileNet(inst), highsSolver);
  if (bound !== null) (boundGaps[inst.objective] ??= []).push(gap(bound, opt));
}

const mean = (xs: number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
process.stdout.write(
  `\n200 feasible random instances (<= 6 VMs, <= 4 hosts, <= 6 demands; ${tried - feasible} infeasible ones skipped), optimum by brute force (${(bruteMs / 1000).toFixed(1)} s in all)\n\n`,
);
process.stdout.write(
  `${table(
    ["solver", "plan found", "optimal", "mean gap", "worst gap", "mean ms", "max ms"],
    names.map((n) => {
      const r = rows[n]!;
      return [n, `${r.found}/200`, `${r.gaps.filter((g) => g < 1e-6).length}`, pct(mean(r.gaps)), pct(Math.max(...r.gaps)), ms(mean(r.times)), ms(Math.max(...r.times))];
    }),
  )}\n`,
);
const objectives = [Objective.ResidualBottleneck, Objective.TrafficCost, Objective.MaxUtilization];
process.stdout.write(`\nmean gap by objective (instances where the solver found a plan)\n\n`);
process.stdout.write(
  `${table(
    ["solver", ...objectives],
    names.map((n) => [n, ...objectives.map((o) => `${pct(mean(rows[n]!.byObjective[o] ?? []))} (${(rows[n]!.byObjective[o] ?? []).length})`)]),
  )}\n`,
);
process.stdout.write(`\naggregated LP relaxation bound vs optimum (how loose the bound used on large instances is)\n\n`);
process.stdout.write(
  `${table(
    ["objective", "instances", "mean gap", "worst gap"],
    objectives.map((o) => [o, (boundGaps[o] ?? []).length, pct(mean(boundGaps[o] ?? [])), pct(Math.max(...(boundGaps[o] ?? [NaN])))]),
  )}\n`,
);
