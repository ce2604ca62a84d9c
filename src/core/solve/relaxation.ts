/**
 * A proven bound on the optimum of instances too large for the exact MIP: the LP relaxation of an aggregated model
 * of co-location (documented in models/mip.md, "Aggregated relaxation"). Each communicating VM pair p gets
 * z_p ∈ [0, 1], "p is co-located"; every feasible plan satisfies
 *
 * - star: Σ_{p ∋ v} z_p ≤ k_v − 1, with k_v the most VMs that fit on any host v may use, together with v;
 * - local bandwidth: Σ_{d ∋ v} mbps_d · z_p(d) ≤ the largest localMbps among v's hosts;
 * - forced: z_p = 1 when a demand of p fits on no link, z_p = 0 when p fits on no host together;
 * - density: Σ_p w_p z_p ≤ Σ_v ρ_v, ρ_v the densest connected set of VMs around v that fits on one host
 *   ({@link densityBound}), with w_p the value of co-locating p (residual-bottleneck, traffic-cost);
 *
 * and each demand's contribution to the objective is bounded by a linear function of z (and, for
 * residual-bottleneck, of the shares of each VM on classes of hosts with equal widest links, within the classes'
 * capacities): residual-bottleneck ≤ z·(localMbps − mbps) + a with a ≤ (1 − z)·(widest link − mbps) and
 * a ≤ Σ_c x_c·max(0, widest link of class c − mbps) on either end; traffic-cost ≥ (1 − z)·mbps·(least latency of a first or last hop); max-utilization ≥ the
 * non-co-located traffic of a VM over the bandwidth of its host's links. Hence the LP optimum bounds the score of
 * every plan. It stays loose where the optimum depends on where whole groups of VMs sit in the network (which
 * sites, which paths): bench/solve-small and bench/solve-scale measure by how much (docs/solver.md).
 */
import { fitsWithin, maximizes, Objective } from "../model/problem.js";
import { communicatingPairs, densityBound, mostVmsWith, sortedSizes } from "./co-location.js";
import { LpBuilder, type LpModel, type LpTerm } from "./lp-model.js";
import { LpStatus, type LpSolver } from "./lp-solver.js";
import type { Net } from "./net.js";

export interface Relaxation {
  readonly model: LpModel;
  /** Added to the LP's objective to give the bound. */
  readonly constant: number;
}

/** Hosts grouped by the width of their widest link (out or in), with each group's total cpu and memory. */
function hostClasses(net: Net, widest: Float64Array): { of: Int32Array; list: Array<{ widest: number; cpu: number; mem: number }> } {
  const index = new Map<number, number>();
  const list: Array<{ widest: number; cpu: number; mem: number }> = [];
  const of = new Int32Array(net.H);
  for (let h = 0; h < net.H; h++) {
    let c = index.get(widest[h]!);
    if (c === undefined) {
      c = list.length;
      index.set(widest[h]!, c);
      list.push({ widest: widest[h]!, cpu: 0, mem: 0 });
    }
    of[h] = c;
    list[c]!.cpu += net.cpuCap[h]!;
    list[c]!.mem += net.memCap[h]!;
  }
  return { of, list };
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
  const together = pairs.map(
    ({ u, w }) =>
      u === w ||
      net.candidates[u]!.some(
        (h) => net.candidates[w]!.includes(h) && fitsWithin(net.cpu[u]! + net.cpu[w]!, net.cpuCap[h]!) && fitsWithin(net.mem[u]! + net.mem[w]!, net.memCap[h]!),
      ),
  );
  const z = pairs.map(({ u, w, demands }, p) => {
    if (u === w) return b.addVar(`z_${p}`, 1, 1);
    const mustShare = demands.some((d) => over(net.candidates[net.src[d]!]!, maxOutBw, Math.max, 0) < net.mbps[d]!);
    return b.addVar(`z_${p}`, mustShare ? 1 : 0, together[p] ? 1 : 0);
  });
  /** Most VMs that can share any host. */
  const k = Math.max(1, ...Array.from({ length: net.V }, (_, v) => Math.max(0, ...net.candidates[v]!.map((h) => mostVmsWith(net, v, h, cpuSorted, memSorted)))));
  /** The density cut `Σ_p weight_p z_p ≤ Σ_v ρ_v` (co-location.ts), when the sets can be enumerated. */
  const densityCut = (weight: Float64Array): void => {
    const rho = densityBound(net, pairs, weight, (p) => together[p]!, k);
    if (rho === null) return;
    const terms: LpTerm[] = [];
    pairs.forEach(({ u, w }, p) => {
      if (u !== w && weight[p]! > 0) terms.push({ v: z[p]!, coef: weight[p]! });
    });
    b.addConstraint("density", terms, "<=", rho + 1e-9 * Math.max(1, rho));
  };

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
    // A demand co-located gets at most localMbps − mbps; apart, a_d, at most (widest link − mbps)·(1 − z_p), and
    // at most the widest link out of its source's host (and into its destination's) less mbps. For the latter the
    // hosts are grouped into classes of equal widest out (in) link with their total cpu and memory, and
    // xo[v,c] (xi[v,c]) is the share of VM v in class c: few VMs fit on the hosts with the widest links.
    const side = (widest: Float64Array, tag: string): Array<Map<number, number>> => {
      const cls = hostClasses(net, widest);
      const cpuIn: LpTerm[][] = cls.list.map(() => []);
      const memIn: LpTerm[][] = cls.list.map(() => []);
      const x = Array.from({ length: net.V }, (_, v) => {
        const m = new Map<number, number>();
        for (const h of net.candidates[v]!) {
          const c = cls.of[h]!;
          if (m.has(c)) continue;
          const xv = b.addVar(`x${tag}_${v}_${c}`, 0, 1);
          m.set(c, xv);
          cpuIn[c]!.push({ v: xv, coef: net.cpu[v]! });
          memIn[c]!.push({ v: xv, coef: net.mem[v]! });
        }
        if (m.size > 1) b.addConstraint(`assign${tag}_${v}`, [...m.values()].map((xv) => ({ v: xv, coef: 1 })), "=", 1);
        return m;
      });
      cls.list.forEach((c, i) => {
        if (cpuIn[i]!.length > 1) b.addConstraint(`cpu${tag}_${i}`, cpuIn[i]!, "<=", c.cpu);
        if (memIn[i]!.length > 1) b.addConstraint(`mem${tag}_${i}`, memIn[i]!, "<=", c.mem);
      });
      return x.map((m) => new Map([...m].map(([c, xv]) => [cls.list[c]!.widest, xv])));
    };
    const xOut = side(maxOutBw, "o");
    const xIn = side(maxInBw, "i");
    const colocatedValue = new Float64Array(pairs.length);
    pairs.forEach(({ u, w, demands }, p) => {
      for (const d of demands) {
        const m = net.mbps[d]!;
        const s = net.src[d]!;
        const t = net.dst[d]!;
        const shared = net.candidates[s]!.filter((h) => net.candidates[t]!.includes(h));
        const colocated = over(shared, net.localMbps, Math.max, 0) - m;
        if (u === w) {
          constant += colocated;
          continue;
        }
        colocatedValue[p]! += Math.max(0, colocated);
        obj.push({ v: z[p]!, coef: colocated });
        const top = Math.max(0, Math.min(over(net.candidates[s]!, maxOutBw, Math.max, 0), over(net.candidates[t]!, maxInBw, Math.max, 0)) - m);
        const a = b.addVar(`a_${d}`, 0, top);
        obj.push({ v: a, coef: 1 });
        b.addConstraint(`az_${d}`, [{ v: a, coef: 1 }, { v: z[p]!, coef: top }], "<=", top);
        for (const [tag, x] of [["o", xOut[s]!], ["i", xIn[t]!]] as const) {
          b.addConstraint(`a${tag}_${d}`, [{ v: a, coef: 1 }, ...[...x].map(([widest, xv]) => ({ v: xv, coef: -Math.max(0, widest - m) }))], "<=", 0);
        }
      }
    });
    densityCut(colocatedValue);
    return { model: b.build("vadapt_relaxation_rb", "max", obj), constant: constant - penalty };
  }
  if (net.objective === Objective.TrafficCost) {
    const saved = new Float64Array(pairs.length);
    pairs.forEach(({ demands }, p) => {
      for (const d of demands) {
        const lat = Math.max(over(net.candidates[net.src[d]!]!, minOutLat, Math.min, Infinity), over(net.candidates[net.dst[d]!]!, minInLat, Math.min, Infinity));
        const cost = Number.isFinite(lat) ? net.mbps[d]! * lat : 0;
        constant += cost;
        saved[p]! += cost;
      }
      obj.push({ v: z[p]!, coef: -saved[p]! });
    });
    densityCut(saved);
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
