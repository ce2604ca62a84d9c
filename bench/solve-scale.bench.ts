/**
 * Scale (issue 5, "Must show"): 1024 VMs on 256 hosts with a real MPI pattern — miniMD's 1024-rank run from
 * shared/data/mpi-comm-graphs over GÉANT 2009 (Topology Zoo, real link speeds; 34 sites, 256 hosts with site
 * LANs), 6 cores per host, every VM currently on a random host. For each objective: greedy's time and score,
 * annealing's improvement curve over 10 s, and both against the aggregated LP relaxation's bound (HiGHS and
 * glpk.js solve it, glpk.js not on residual-bottleneck where it needs minutes; their times are shown).
 *
 * Gap to the bound = |bound − score| / max(|bound|, |score|), in % (the MIP solvers' relative gap: at most 100%).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { glpkSolver } from "../src/adapters/lp/glpk.js";
import { highsSolver } from "../src/adapters/lp/highs.js";
import { table } from "../src/cli/format.js";
import { generateInstance } from "../src/core/instances/generate.js";
import { Objective } from "../src/core/model/problem.js";
import { createRng } from "../src/core/rng.js";
import { verifySolution } from "../src/core/solve/checker.js";
import { compileNet } from "../src/core/solve/net.js";
import { solvers } from "../src/core/solve/plugin.js";
import { buildRelaxation, relaxationBound } from "../src/core/solve/relaxation.js";
import { parseGraphml, zooOverlay } from "../src/importers/graphml.js";
import { parseMpiGraph } from "../src/importers/mpi.js";

const data = resolve(import.meta.dirname, "../../shared/data");
if (!existsSync(data)) {
  process.stdout.write(`skipped: ${data} not found\n`);
  process.exit(0);
}
const clock = (): number => performance.now();
const ANNEAL_MS = 10_000;
/** Milliseconds since the start of `solve` (greedy first, then the placement search for up to 85 %, then routed annealing). */
const CHECKPOINTS = [1000, 2000, 4000, 6000, 8000, 9000, 10_000];

const zooFile = join(data, "topology-zoo/graphml/Geant2009.graphml");
const overlay = zooOverlay(parseGraphml(readFileSync(zooFile, "utf8"), zooFile));
const mpiFile = join(data, "mpi-comm-graphs/miniMD/1024_ranks/graphStats.txt");
const graph = parseMpiGraph(readFileSync(mpiFile, "utf8"), mpiFile);

const base = {
  topology: { sites: overlay.hosts.map((h) => h.id), links: overlay.links },
  pattern: { kind: "mpi", ranks: graph.ranks, traffic: graph.entries, directed: graph.directed } as const,
  hosts: 256,
  hostCpu: 6,
  hostMemMB: 6 * 4096,
  vmCpu: 1,
  vmMemMB: 4096,
  meanMbps: 10,
  current: "random",
} as const;

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
const gapTo = (bound: number | null, score: number): string => (bound === null ? "-" : pct(Math.abs(bound - score) / Math.max(Math.abs(bound), Math.abs(score), 1e-12)));
const fmt = (x: number): string => (Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(5));

for (const objective of [Objective.ResidualBottleneck, Objective.TrafficCost, Objective.MaxUtilization]) {
  const instance = generateInstance(createRng(1), { ...base, objective });
  process.stdout.write(
    `\n--- ${objective}: ${instance.vms.length} VMs (miniMD 1024 ranks), ${instance.demands.length} demands, ${instance.hosts.length} hosts, ${instance.links.length} links (GÉANT 2009)\n`,
  );
  const net = compileNet(instance);
  const { model } = buildRelaxation(net);
  const bounds: Array<[string, number | null, number]> = [];
  // glpk.js needs minutes on the residual-bottleneck relaxation (229 s on the earlier, smaller one): HiGHS only there
  const lps = objective === Objective.ResidualBottleneck ? [highsSolver] : [highsSolver, glpkSolver];
  for (const lp of lps) {
    const t0 = clock();
    const b = await relaxationBound(net, lp);
    bounds.push([lp.name, b, clock() - t0]);
  }
  const bound = bounds[0]![1];
  const skipped = lps.length < 2 ? "; glpk.js not run (minutes on this LP)" : "";
  process.stdout.write(
    `aggregated LP relaxation (${model.vars.length} variables, ${model.constraints.length} constraints) bound: ${bounds.map(([n, b, t]) => `${n} ${b === null ? "none" : fmt(b)} in ${t.toFixed(0)} ms`).join("; ")}${skipped}\n`,
  );

  // greedy, best of 3 timings
  let greedyMs = Infinity;
  let greedy = await solvers.greedy!.solve(instance, { clock });
  for (let i = 0; i < 3; i++) {
    greedy = await solvers.greedy!.solve(instance, { clock });
    greedyMs = Math.min(greedyMs, greedy.millis);
  }
  const problems = verifySolution(instance, greedy);
  if (problems.length > 0) throw new Error(`greedy: ${problems.slice(0, 3).join("; ")}`);
  if (!greedy.feasible) {
    process.stdout.write(`greedy found no plan: ${greedy.violations?.map((v) => v.message).join("; ")}\n`);
    continue;
  }
  process.stdout.write(`greedy: ${greedyMs.toFixed(0)} ms (best of 3), score ${fmt(greedy.score!)}, gap to bound ${gapTo(bound, greedy.score!)}\n`);

  // annealing's improvement curve
  const curve: Array<{ millis: number; score: number; iteration: number }> = [];
  const annealed = await solvers.anneal!.solve(instance, {
    clock,
    seed: 1,
    deadlineMs: ANNEAL_MS,
    onProgress: (p) => curve.push({ millis: p.millis ?? 0, score: p.score, iteration: p.iteration }),
  });
  const checked = verifySolution(instance, annealed);
  if (checked.length > 0) throw new Error(`anneal: ${checked.slice(0, 3).join("; ")}`);
  const rows = CHECKPOINTS.map((t) => {
    const last = curve.filter((p) => p.millis <= t).at(-1) ?? curve[0]!;
    return [`${t / 1000} s`, last.iteration, fmt(last.score), gapTo(bound, last.score)];
  });
  process.stdout.write(
    `annealing (${curve.length - 1} improvements, total ${annealed.millis.toFixed(0)} ms: greedy, placement search to <= 85 %, then routed moves; iteration 0 = greedy or the routed placement):\n${table(["since start", "iteration", "best score", "gap to bound"], rows)}\n`,
  );
}
