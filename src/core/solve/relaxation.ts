/**
 * A proven bound on the optimum of instances too large for the exact MIP: the LP relaxation of an aggregated,
 * host-free model of co-location (documented in models/mip.md, "Aggregated relaxation"). Each communicating VM
 * pair p gets z_p ∈ [0, 1], "p is co-located"; every feasible plan satisfies
 *
 * - star: Σ_{p ∋ v} z_p ≤ k_v − 1, with k_v the most VMs that fit on any host v may use, together with v;
 * - local bandwidth: Σ_{d ∋ v} mbps_d · z_p(d) ≤ the largest localMbps among v's hosts;
 * - forced: z_p = 1 when a demand of p fits on no link, z_p = 0 when p fits on no host together;
 *
 * and each demand's contribution to the objective is bounded by a linear function of z:
 * residual-bottleneck ≤ z·(localMbps − mbps) + (1 − z)·(widest link − mbps); traffic-cost ≥
 * (1 − z)·mbps·(least latency of a first or last hop); max-utilization ≥ the non-co-located traffic of a VM over
 * the bandwidth of its host's links. Hence the LP optimum bounds the score of every plan. The bound is loose where
 * the optimum depends on which pairs can share hosts at once (a graph-partitioning question an LP over pairs
 * cannot see); docs/solver.md measures by how much.
 */
import { fitsWithin, maximizes, Objective } from "../model/problem.js";
import { communicatingPairs, mostVmsWith, sortedSizes } from "./co-location.js";
import { LpBuilder, type LpModel, type LpTerm } from "./lp-model.js";
import { LpStatus, type LpSolver } from "./lp-solver.js";
import type { Net } from "./net.js";

export interface Relaxation {
  readonly model: LpModel;
  /** Added to the LP's objective to give the bound. */
  readonly constant: number;
}

/** Builds the aggregated relaxation for the net's objective. */
export function buildRelaxation(net: Net): Relaxation {
  const b = new LpBuilder();
  const { cpuSorted, memSorted } = sortedSizes(net);
  const maxOutBw = new Float64Array(net.H);
  const maxInBw = new Float64Array(net.H);
  const sumOutBw = new Float64Array(net.H);
  const sumInBw = new Float64Array(net.H);
  const minOutLat = new Float64Array(net.H).fill(Infinity);
  const minInLat = new Float64Array(net.H).fill(Infinity);
  for (let e = 0; e < net.E; e++) {
    const a = net.from[e]!;
    const z = net.to[e]!;
    maxOutBw[a] = Math.max(maxOutBw[a]!, net.bw[e]!);
    maxInBw[z] = Math.max(maxInBw[z]!, net.bw[e]!);
    sumOutBw[a]! += net.bw[e]!;
    sumInBw[z]! += net.bw[e]!;
    minOutLat[a] = Math.min(minOutLat[a]!, net.latencyMs[e]!);
    minInLat[z] = Math.min(minInLat[z]!, net.latencyMs[e]!);
  }
  const over = (hs: readonly number[], a: Float64Array, pick: (x: number, y: number) => number, empty: number): number =>
    hs.reduce((acc, h) => pick(acc, a[h]!), empty);

  const { pairs } = communicatingPairs(net);
  const z = pairs.map(({ u, w, demands }, p) => {
    if (u === w) return b.addVar(`z_${p}`, 1, 1);
    const together = net.candidates[u]!.some(
      (h) => net.candidates[w]!.includes(h) && fitsWithin(net.cpu[u]! + net.cpu[w]!, net.cpuCap[h]!) && fitsWithin(net.mem[u]! + net.mem[w]!, net.memCap[h]!),
    );
    const mustShare = demands.some((d) => over(net.candidates[net.src[d]!]!, maxOutBw, Math.max, 0) < net.mbps[d]!);
    return b.addVar(`z_${p}`, mustShare ? 1 : 0, together ? 1 : 0);
  });

  // star and local-bandwidth inequalities per VM
  const star: LpTerm[][] = Array.from({ length: net.V }, () => []);
  const local: LpTerm[][] = Array.from({ length: net.V }, () => []);
  pairs.forEach(({ u, w, mbps }, p) => {
    if (u === w) return;
    star[u]!.push({ v: z[p]!, coef: 1 });
    star[w]!.push({ v: z[p]!, coef: 1 });
    local[u]!.push({ v: z[p]!, coef: mbps });
    local[w]!.push({ v: z[p]!, coef: mbps });
  });
  for (let v = 0; v < net.V; v++) {
    const hs = net.candidates[v]!;
    if (star[v]!.length === 0 || hs.length === 0) continue;
    const k = Math.max(...hs.map((h) => mostVmsWith(net, v, h, cpuSorted, memSorted)));
    b.addConstraint(`star_${v}`, star[v]!, "<=", k - 1);
    b.addConstraint(`local_${v}`, local[v]!, "<=", over(hs, net.localMbps, Math.max, 0));
  }

  // a lower bound on the migration penalty: VMs that cannot stay move at least to their cheapest candidate
  let penalty = 0;
  const wgt = net.instance.migrationWeight;
  for (let v = 0; v < net.V && wgt > 0; v++) {
    const cur = net.current[v]!;
    if (cur < 0 || net.candidates[v]!.includes(cur)) continue;
    penalty += wgt * Math.min(...net.candidates[v]!.map((h) => net.moveSeconds[v * net.H + h]!));
  }

  const obj: LpTerm[] = [];
  let constant = 0;
  if (net.objective === Objective.ResidualBottleneck) {
    pairs.forEach(({ demands }, p) => {
      let coef = 0;
      for (const d of demands) {
        const cs = net.candidates[net.src[d]!]!;
        const ct = net.candidates[net.dst[d]!]!;
        const shared = cs.filter((h) => ct.includes(h));
        const colocated = over(shared, net.localMbps, Math.max, 0) - net.mbps[d]!;
        const apart = Math.min(over(cs, maxOutBw, Math.max, 0), over(ct, maxInBw, Math.max, 0)) - net.mbps[d]!;
        constant += apart;
        coef += colocated - apart;
      }
      obj.push({ v: z[p]!, coef });
    });
    return { model: b.build("vadapt_relaxation_rb", "max", obj), constant: constant - penalty };
  }
  if (net.objective === Objective.TrafficCost) {
    pairs.forEach(({ demands }, p) => {
      let coef = 0;
      for (const d of demands) {
        const lat = Math.max(over(net.candidates[net.src[d]!]!, minOutLat, Math.min, Infinity), over(net.candidates[net.dst[d]!]!, minInLat, Math.min, Infinity));
        const cost = Number.isFinite(lat) ? net.mbps[d]! * lat : 0;
        constant += cost;
        coef -= cost;
      }
      obj.push({ v: z[p]!, coef });
    });
    return { model: b.build("vadapt_relaxation_tc", "min", obj), constant: constant + penalty };
  }
  // max-utilization: a VM's non-co-located outgoing (incoming) traffic crosses its host's out (in) links
  const u = b.addVar("u", 0, Infinity);
  const outgoing: LpTerm[][] = Array.from({ length: net.V }, () => []);
  const incoming: LpTerm[][] = Array.from({ length: net.V }, () => []);
  const outTotal = new Float64Array(net.V);
  const inTotal = new Float64Array(net.V);
  pairs.forEach(({ u: a, w, demands }, p) => {
    if (a === w) return;
    for (const d of demands) {
      const s = net.src[d]!;
      const t = net.dst[d]!;
      outgoing[s]!.push({ v: z[p]!, coef: -net.mbps[d]! });
      incoming[t]!.push({ v: z[p]!, coef: -net.mbps[d]! });
      outTotal[s]! += net.mbps[d]!;
      inTotal[t]! += net.mbps[d]!;
    }
  });
  for (let v = 0; v < net.V; v++) {
    const hs = net.candidates[v]!;
    if (outTotal[v]! > 0) b.addConstraint(`out_${v}`, [...outgoing[v]!, { v: u, coef: -over(hs, sumOutBw, Math.max, 0) }], "<=", -outTotal[v]!);
    if (inTotal[v]! > 0) b.addConstraint(`in_${v}`, [...incoming[v]!, { v: u, coef: -over(hs, sumInBw, Math.max, 0) }], "<=", -inTotal[v]!);
  }
  return { model: b.build("vadapt_relaxation_mu", "min", [{ v: u, coef: 1 }]), constant: penalty };
}

/**
 * The relaxation's bound on the best score (upper when maximising, lower when minimising); null when the LP
 * solver gives no optimum, −∞/+∞ never (an infeasible relaxation proves the instance infeasible: null too).
 */
export async function relaxationBound(net: Net, lp: LpSolver, timeLimitMs?: number): Promise<number | null> {
  const { model, constant } = buildRelaxation(net);
  const r = await lp.solve(model, timeLimitMs === undefined ? {} : { timeLimitMs });
  if (r.status !== LpStatus.Optimal || r.objective === null) return null;
  const bound = r.objective + constant;
  // guard against solver tolerance on the wrong side of the bound
  const slack = 1e-7 * Math.max(1, Math.abs(bound));
  return maximizes(net.objective) ? bound + slack : bound - slack;
}
