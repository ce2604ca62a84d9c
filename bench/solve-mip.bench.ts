/**
 * The exact MIP at 64 VMs / 16 hosts (issue 5, "Must show"): time to a proven optimum with HiGHS and with
 * glpk.js, or where each stands at the time limit (incumbent, proven bound, gap), each cold and from the annealed
 * plan as a MIP start (what `auto` does; HiGHS only: glpk.js cannot take a start). Limit: VADAPT_MIP_LIMIT_MS
 * (default 300 s). The instance: CoMD's 64-rank
 * MPI run (shared/data/mpi-comm-graphs) over Abilene (SNDlib; 12 sites, 16 hosts with site LANs), 5 cores per
 * host, every VM on a random host now. Greedy, 5 s of annealing and the two LP bounds (the MIP's own LP
 * relaxation and the aggregated relaxation) are shown for scale.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { glpkSolver } from "../src/adapters/lp/glpk.js";
import { highsSolver } from "../src/adapters/lp/highs.js";
import { table } from "../src/cli/format.js";
import { generateInstance } from "../src/core/instances/generate.js";
import { maximizes, Objective } from "../src/core/model/problem.js";
import { createRng } from "../src/core/rng.js";
import { relax } from "../src/core/solve/lp-model.js";
import { solveMip } from "../src/core/solve/mip.js";
import { buildMip } from "../src/core/solve/mip-model.js";
import { compileNet } from "../src/core/solve/net.js";
import { Plan } from "../src/core/solve/plan.js";
import type { Net } from "../src/core/solve/net.js";
import type { Solution } from "../src/core/model/problem.js";
import { solvers } from "../src/core/solve/plugin.js";
import { relaxationBound } from "../src/core/solve/relaxation.js";
import { DEFAULT_LINK_LATENCY_MS, readSndlibNetwork, sndlibOverlayLinks } from "../src/importers/sndlib.js";
import { parseMpiGraph } from "../src/importers/mpi.js";

const data = resolve(import.meta.dirname, "../../shared/data");
if (!existsSync(data)) {
  process.stdout.write(`skipped: ${data} not found\n`);
  process.exit(0);
}
const LIMIT_MS = Number(process.env["VADAPT_MIP_LIMIT_MS"] ?? 300_000);
const clock = (): number => performance.now();
const net0 = await readSndlibNetwork(join(data, "sndlib/instances/native/abilene/abilene.txt"));
const links = sndlibOverlayLinks(net0, DEFAULT_LINK_LATENCY_MS, []);
const mpiFile = join(data, "mpi-comm-graphs/CoMD/64_ranks/graphStats.txt");
const graph = parseMpiGraph(readFileSync(mpiFile, "utf8"), mpiFile);
const fmt = (x: number | null): string => (x === null ? "-" : Math.abs(x) >= 1000 ? x.toFixed(0) : x.toPrecision(5));

/** The annealed solution as a plan of `net` (for the MIP start). */
function annealFrom(net: Net, s: Solution): Plan {
  const plan = new Plan(net);
  const hostIndex = new Map(net.hostIds.map((h, i) => [h as string, i]));
  net.vmIds.forEach((id, v) => plan.place(v, hostIndex.get(s.mapping[id]!)!));
  s.paths.forEach((p, d) => {
    const edges: number[] = [];
    for (let k = 0; k + 1 < p.hosts.length; k++) {
      const a = hostIndex.get(p.hosts[k]!)!;
      const b = hostIndex.get(p.hosts[k + 1]!)!;
      edges.push(net.out[a]!.find((e) => net.to[e] === b)!);
    }
    plan.setRoute(d, edges);
  });
  return plan;
}

for (const lp of [highsSolver, glpkSolver]) await lp.solve(relax(buildMip(compileNet(generateInstance(createRng(0), { topology: { sites: ["a", "b"], links: [] }, pattern: { kind: "ring", vms: 3 } }))).model));

for (const objective of [Objective.ResidualBottleneck, Objective.TrafficCost]) {
  const instance = generateInstance(createRng(64), {
    topology: { sites: net0.nodes.map((n) => n.id), links },
    pattern: { kind: "mpi", ranks: graph.ranks, traffic: graph.entries, directed: graph.directed },
    hosts: 16,
    hostCpu: 5,
    meanMbps: 50,
    current: "random",
    objective,
  });
  const net = compileNet(instance);
  const form = buildMip(net);
  const ints = form.model.vars.filter((v) => v.kind !== "continuous").length;
  process.stdout.write(
    `\n--- ${objective}: ${instance.vms.length} VMs (CoMD 64 ranks), ${instance.demands.length} demands, ${instance.hosts.length} hosts, ${instance.links.length} links; MIP ${form.model.vars.length} variables (${ints} binary), ${form.model.constraints.length} constraints\n`,
  );
  const greedy = await solvers.greedy!.solve(instance, { clock });
  const annealed = await solvers.anneal!.solve(instance, { clock, deadlineMs: 5000 });
  const t0 = clock();
  const lpRelax = await highsSolver.solve(relax(form.model));
  const lpMs = clock() - t0;
  const t1 = clock();
  const agg = await relaxationBound(net, highsSolver);
  const aggMs = clock() - t1;
  process.stdout.write(
    `greedy ${fmt(greedy.score ?? null)} (${greedy.millis.toFixed(0)} ms); anneal 5 s ${fmt(annealed.score ?? null)}; MIP LP relaxation ${fmt(lpRelax.objective)} (${lpMs.toFixed(0)} ms); aggregated relaxation ${fmt(agg)} (${aggMs.toFixed(0)} ms)\n`,
  );
  const rows: Array<Array<string | number>> = [];
  const annealedPlan = annealFrom(net, annealed);
  // glpk.js cannot take a start: only cold
  for (const [lp, warm] of [[highsSolver, false], [highsSolver, true], [glpkSolver, false]] as const) {
    const t = clock();
    const r = await solveMip(net, { lp, timeLimitMs: LIMIT_MS, ...(warm ? { start: annealedPlan } : {}) });
    const ms = clock() - t;
    const score = r.kind === "plan" ? r.plan.score() : null;
    const bound = r.kind === "plan" || r.kind === "unknown" ? r.bound : null;
    const gap = score !== null && bound !== null ? `${((100 * Math.abs(bound - score)) / Math.max(Math.abs(bound), Math.abs(score), 1e-12)).toFixed(2)}%` : "-";
    const better = score !== null && annealed.score !== undefined && (maximizes(objective) ? score > annealed.score : score < annealed.score);
    rows.push([`${lp.name}${warm ? " + start" : ""}`, r.kind === "plan" ? (r.optimal ? "optimal" : "time limit") : r.kind, `${(ms / 1000).toFixed(1)} s`, fmt(score), fmt(bound), gap, better ? "yes" : "no"]);
  }
  process.stdout.write(`${table(["LP solver", "status", "time", "score", "bound", "gap", "beats anneal"], rows)}\n`);
}
