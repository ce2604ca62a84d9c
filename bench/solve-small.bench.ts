/**
 * Exactness and quality on small instances (issue 5, "Must show"):
 *
 * 1. 200 seeded feasible random instances (<= 6 VMs, <= 4 hosts, <= 6 demands, every constraint kind, the three
 *    objectives): the optimum by brute force; greedy, annealing and the MIP (HiGHS and glpk.js) against it — mean
 *    and worst gap to optimal, misses, time — and how loose the aggregated LP relaxation's bound is.
 * 2. Exact optimum for 12 VMs: the MIP's time to a proven optimum with HiGHS and glpk.js on seeded 12-VM
 *    instances (patterns over small topologies and random ones), against the 2 s goal.
 *
 * Gap = |score − optimum| / max(|score|, |optimum|) (0 when both are 0), in %.
 */
import { glpkSolver } from "../src/adapters/lp/glpk.js";
import { highsSolver } from "../src/adapters/lp/highs.js";
import { table } from "../src/cli/format.js";
import { generateInstance, type Topology } from "../src/core/instances/generate.js";
import { randomInstance } from "../src/core/instances/random.js";
import { Objective, type Instance } from "../src/core/model/problem.js";
import { createRng } from "../src/core/rng.js";
import { bruteForce } from "../src/core/solve/brute-force.js";
import { verifySolution } from "../src/core/solve/checker.js";
import type { LpSolver } from "../src/core/solve/lp-solver.js";
import { solveMip } from "../src/core/solve/mip.js";
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
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

// warm both LP solvers up (WebAssembly compilation) so that the first instance is not charged for it
for (const lp of [highsSolver, glpkSolver]) await solvers.mip!.solve(randomInstance(createRng(0), { hosts: 2, vms: 3, demands: 2 }), { lp });

// ---- 1. 200 small instances against brute force
interface Row {
  found: number;
  gaps: number[];
  times: number[];
  byObjective: Record<string, number[]>;
}
const names = ["greedy", "anneal", "mip/highs", "mip/glpk"] as const;
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

// ---- 2. exact optimum for 12 VMs
/** A small WAN: 4 sites in a ring with one chord, 1000 Mbit/s, 2-9 ms. */
const wan: Topology = {
  sites: ["a", "b", "c", "d"],
  links: [
    ["a", "b", 2],
    ["b", "c", 3],
    ["c", "d", 5],
    ["d", "a", 4],
    ["a", "c", 9],
  ].flatMap(([x, y, l]) => [
    { from: String(x), to: String(y), mbps: 1000, latencyMs: Number(l) },
    { from: String(y), to: String(x), mbps: 1000, latencyMs: Number(l) },
  ]),
};
const twelve: Array<[string, Instance]> = [];
const r12 = createRng(12);
for (const objective of objectives) {
  for (const kind of ["ring", "mesh2d", "star", "random"] as const) {
    const pattern = kind === "random" ? { kind, vms: 12, degree: 2 } : { kind, vms: 12 };
    twelve.push([`${kind} ${objective}`, generateInstance(r12.fork(), { topology: wan, pattern, hostCpu: 4, current: "random", objective, meanMbps: 100 })]);
  }
  for (let i = 0; i < 4; i++) {
    twelve.push([`random ${objective}`, randomInstance(r12.fork(), { hosts: 4 + (i % 3), vms: 12, demands: 14, constraints: false, objective })]);
  }
}
const limitMs = 30_000;
const lps: LpSolver[] = [highsSolver, glpkSolver];
const exact: Record<string, { times: number[]; optimal: number; infeasible: number; timedOut: number }> = Object.fromEntries(
  lps.map((lp) => [lp.name, { times: [], optimal: 0, infeasible: 0, timedOut: 0 }]),
);
const detail: Array<Array<string | number>> = [];
for (const [label, inst] of twelve) {
  const row: Array<string | number> = [label, inst.demands.length];
  for (const lp of lps) {
    const e = exact[lp.name]!;
    const t0 = clock();
    const r = await solveMip(compileNet(inst), { lp, timeLimitMs: limitMs });
    const t = clock() - t0;
    if (r.kind === "infeasible") e.infeasible++;
    else if (r.kind === "plan" && r.optimal) {
      e.optimal++;
      e.times.push(t);
    } else e.timedOut++;
    row.push(r.kind === "plan" ? (r.optimal ? "optimal" : "limit") : r.kind, ms(t));
  }
  detail.push(row);
}
process.stdout.write(`\nexact MIP on ${twelve.length} instances of 12 VMs (patterns over a 4-site WAN, 4 cores per host; random instances on 4-6 hosts), limit ${limitMs / 1000} s\n\n`);
process.stdout.write(
  `${table(
    ["LP solver", "proven optimal", "proven infeasible", "at limit", "median ms", "p90 ms", "max ms", "optimal < 2 s"],
    Object.entries(exact).map(([name, e]) => [
      name,
      e.optimal,
      e.infeasible,
      e.timedOut,
      ms(quantile(e.times, 0.5)),
      ms(quantile(e.times, 0.9)),
      ms(Math.max(...e.times)),
      `${e.times.filter((t) => t < 2000).length}/${twelve.length}`,
    ]),
  )}\n\n`,
);
process.stdout.write(`${table(["instance", "demands", "highs", "ms", "glpk", "ms"], detail)}\n`);
