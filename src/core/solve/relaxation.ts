/**
 * A proven bound on the optimum of instances too large for the exact MIP: the LP relaxation of an aggregated model
 * of the plan (documented in models/mip.md, "Aggregated relaxation"). Every feasible plan gives a feasible point of
 * the LP whose objective is at least the plan's score (at most, when minimising), so the LP optimum, plus a constant
 * and less a lower bound on the unavoidable migration penalty, bounds the score of every plan.
 *
 * Residual-bottleneck: hosts are grouped into a few classes (equal widest-path width out of and into the host and
 * equal localMbps; neighbouring classes merged beyond `maxClasses`, a merged class taking the largest of every value
 * and the sum of the capacities). The variables are the aggregated placement x[v,c] ("v runs on class c", within
 * each class's total cpu and memory), and for each communicating VM pair p = {u, w} y[p,c] ("co-located on a host of
 * c") and t[p,c1,c2] ("apart, u on c1, w on c2"), tied to x by the reformulation–linearisation equalities
 * `y[p,c] + Σ_{c2} t[p,c,c2] = x[u,c]` and `y[p,c] + Σ_{c1} t[p,c1,c] = x[w,c]` (Adams & Johnson, DIMACS 1994; the
 * exact MIP's, by class instead of by host). Per VM and class: star `Σ_{p ∋ v} y[p,c] ≤ (k_{v,c} − 1)·x[v,c]`, local
 * bandwidth `Σ_{p ∋ v} mbps_p·y[p,c] ≤ (localMbps − v's own traffic)·x[v,c]`; per class the density cut
 * `Σ_p w_p y[p,c] ≤ Σ_v ρ_v x[v,c]` ({@link vmDensities}: each host's co-located pairs weigh at most the ρ of its
 * VMs). A demand co-located on class c is worth at most `L_c − (its pair's and both VMs' own traffic)`, one apart
 * from class c1 to c2 at most `F(c1, c2) − mbps`, F the widest-path width between two distinct hosts of the classes.
 * Only a few VMs fit on the hosts joined by the widest paths, and a pair gets the wide width only when both of its
 * ends are there.
 *
 * Traffic-cost and max-utilization: each pair gets z_p ∈ [0, 1], "p is co-located", with star
 * (`Σ_{p ∋ v} z_p ≤ k_v − 1`), local-bandwidth, forced (z_p = 1 when a demand of p fits on no link, 0 when p fits on
 * no host together) and density (`Σ_p w_p z_p ≤ Σ_v ρ_v`) constraints; traffic-cost ≥ (1 − z)·mbps·(least latency of
 * a first or last hop); max-utilization ≥ the non-co-located traffic of a VM over the bandwidth of its host's links.
 *
 * The bound stays loose where the optimum depends on where whole groups of VMs sit in the network and on the loads
 * of shared links: bench/solve-small and bench/solve-scale measure by how much (docs/solver.md).
 */
import { fitsWithin, maximizes, Objective } from "../model/problem.js";
import { communicatingPairs, mostVmsAnywhere, mostVmsWith, sortedSizes, vmDensities, type VmPair } from "./co-location.js";
import { LpBuilder, type LpModel, type LpTerm } from "./lp-model.js";
import { LpStatus, type LpSolver } from "./lp-solver.js";
import type { Net } from "./net.js";
import { widestWidths } from "./widest-path.js";

export interface Relaxation {
  readonly model: LpModel;
  /** Added to the LP's objective to give the bound. */
  readonly constant: number;
}

export interface RelaxationOptions {
  /** Most host classes of the residual-bottleneck model (default {@link DEFAULT_MAX_CLASSES}). */
  readonly maxClasses?: number;
}

/** Host classes of the residual-bottleneck relaxation: its LP has about `pairs · (K + K²)` variables. */
export const DEFAULT_MAX_CLASSES = 6;

/** A group of hosts with the largest of each member's values and the sum of their capacities. */
export interface HostClass {
  readonly hosts: number[];
  /** Largest widest-path width from a member to another host. */
  outMbps: number;
  /** Largest widest-path width from another host to a member. */
  inMbps: number;
  localMbps: number;
  cpu: number;
  mem: number;
}

export interface HostClasses {
  /** Class of each host. */
  readonly of: Int32Array;
  readonly list: readonly HostClass[];
  /**
   * `width[c1 · K + c2]`: the largest widest-path width W(a, b) over hosts a ∈ c1, b ∈ c2, a ≠ b (−1 when there is
   * no such pair: c1 = c2 with one host).
   */
  readonly width: Float64Array;
}

/**
 * Hosts grouped by (widest-path width out, widest-path width in, localMbps); while there are more than
 * `maxClasses` groups, the two whose merge raises the members' values least (weighted by cpu) are merged. Widths
 * are over all links (the spec's inactive links may be created), one widest-path search per host, run twice to
 * keep memory linear in the hosts.
 */
export function hostClasses(net: Net, maxClasses: number): HostClasses {
  const H = net.H;
  const outMbps = new Float64Array(H);
  const inMbps = new Float64Array(H);
  for (let a = 0; a < H; a++) {
    const row = widestWidths(net, a, net.bw);
    for (let b = 0; b < H; b++) {
      if (b === a) continue;
      outMbps[a] = Math.max(outMbps[a]!, row[b]!);
      inMbps[b] = Math.max(inMbps[b]!, row[b]!);
    }
  }
  const byKey = new Map<string, HostClass>();
  for (let h = 0; h < H; h++) {
    const key = `${outMbps[h]}/${inMbps[h]}/${net.localMbps[h]}`;
    let c = byKey.get(key);
    if (c === undefined) {
      c = { hosts: [], outMbps: outMbps[h]!, inMbps: inMbps[h]!, localMbps: net.localMbps[h]!, cpu: 0, mem: 0 };
      byKey.set(key, c);
    }
    c.hosts.push(h);
    c.cpu += net.cpuCap[h]!;
    c.mem += net.memCap[h]!;
  }
  const list = [...byKey.values()];
  const raise = (c: HostClass, o: HostClass): number =>
    c.cpu * (Math.max(0, o.outMbps - c.outMbps) + Math.max(0, o.inMbps - c.inMbps) + Math.max(0, o.localMbps - c.localMbps));
  while (list.length > Math.max(1, maxClasses)) {
    let best = [0, 1, Infinity] as [number, number, number];
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const cost = raise(list[i]!, list[j]!) + raise(list[j]!, list[i]!);
        if (cost < best[2]) best = [i, j, cost];
      }
    }
    const [a, z] = [list[best[0]]!, list[best[1]]!];
    a.hosts.push(...z.hosts);
    a.outMbps = Math.max(a.outMbps, z.outMbps);
    a.inMbps = Math.max(a.inMbps, z.inMbps);
    a.localMbps = Math.max(a.localMbps, z.localMbps);
    a.cpu += z.cpu;
    a.mem += z.mem;
    list.splice(best[1], 1);
  }
  const K = list.length;
  const of = new Int32Array(H);
  list.forEach((c, i) => {
    for (const h of c.hosts) of[h] = i;
  });
  const width = new Float64Array(K * K).fill(-1);
  for (let a = 0; a < H; a++) {
    const row = widestWidths(net, a, net.bw);
    for (let b = 0; b < H; b++) {
      const i = of[a]! * K + of[b]!;
      if (b !== a && row[b]! > width[i]!) width[i] = row[b]!;
    }
  }
  return { of, list, width };
}

/** A lower bound on the migration penalty: VMs that cannot stay move at least to their cheapest candidate. */
function leastPenalty(net: Net): number {
  let penalty = 0;
  const wgt = net.instance.migrationWeight;
  for (let v = 0; v < net.V && wgt > 0; v++) {
    const cur = net.current[v]!;
    if (cur < 0 || net.candidates[v]!.includes(cur)) continue;
    penalty += wgt * Math.min(...net.candidates[v]!.map((h) => net.moveSeconds[v * net.H + h]!));
  }
  return penalty;
}

/** Builds the aggregated relaxation for the net's objective. */
export function buildRelaxation(net: Net, options: RelaxationOptions = {}): Relaxation {
  const { pairs } = communicatingPairs(net);
  if (net.objective === Objective.ResidualBottleneck) return residualBottleneck(net, pairs, options.maxClasses ?? DEFAULT_MAX_CLASSES);
  const b = new LpBuilder();
  const { cpuSorted, memSorted } = sortedSizes(net);
  const maxOutBw = new Float64Array(net.H);
  const sumOutBw = new Float64Array(net.H);
  const sumInBw = new Float64Array(net.H);
  const minOutLat = new Float64Array(net.H).fill(Infinity);
  const minInLat = new Float64Array(net.H).fill(Infinity);
  for (let e = 0; e < net.E; e++) {
    const a = net.from[e]!;
    const z = net.to[e]!;
    maxOutBw[a] = Math.max(maxOutBw[a]!, net.bw[e]!);
    sumOutBw[a]! += net.bw[e]!;
    sumInBw[z]! += net.bw[e]!;
    minOutLat[a] = Math.min(minOutLat[a]!, net.latencyMs[e]!);
    minInLat[z] = Math.min(minInLat[z]!, net.latencyMs[e]!);
  }
  const over = (hs: readonly number[], a: Float64Array, pick: (x: number, y: number) => number, empty: number): number =>
    hs.reduce((acc, h) => pick(acc, a[h]!), empty);

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
  /** The density cut `Σ_p weight_p z_p ≤ Σ_v ρ_v` (co-location.ts), when the sets can be enumerated. */
  const densityCut = (weight: Float64Array): void => {
    const rho = vmDensities(net, pairs, weight, (p) => together[p]!, mostVmsAnywhere(net, cpuSorted, memSorted));
    if (rho === null) return;
    const total = rho.reduce((s, x) => s + x, 0);
    const terms: LpTerm[] = [];
    pairs.forEach(({ u, w }, p) => {
      if (u !== w && weight[p]! > 0) terms.push({ v: z[p]!, coef: weight[p]! });
    });
    b.addConstraint("density", terms, "<=", total + 1e-9 * Math.max(1, total));
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
  const penalty = leastPenalty(net);

  let constant = 0;
  if (net.objective === Objective.TrafficCost) {
    const obj: LpTerm[] = [];
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

/** The class model of residual-bottleneck (see the header). */
function residualBottleneck(net: Net, pairs: readonly VmPair[], maxClasses: number): Relaxation {
  const b = new LpBuilder();
  const { cpuSorted, memSorted } = sortedSizes(net);
  const cls = hostClasses(net, maxClasses);
  const K = cls.list.length;
  const NONE = -1;

  // per VM and class: the candidate hosts there (how many, one of them), the largest localMbps, the most VMs beside
  const count = new Int32Array(net.V * K);
  const anyHost = new Int32Array(net.V * K).fill(NONE);
  const localOf = new Float64Array(net.V * K);
  const mostOf = new Int32Array(net.V * K);
  const isCandidate = Array.from({ length: net.V }, () => new Uint8Array(net.H));
  for (let v = 0; v < net.V; v++) {
    for (const h of net.candidates[v]!) {
      const i = v * K + cls.of[h]!;
      count[i]! += 1;
      anyHost[i] = h;
      localOf[i] = Math.max(localOf[i]!, net.localMbps[h]!);
      mostOf[i] = Math.max(mostOf[i]!, mostVmsWith(net, v, h, cpuSorted, memSorted));
      isCandidate[v]![h] = 1;
    }
  }
  /** Mbit/s of each VM's demands to itself: always co-located, on its own host. */
  const selfMbps = new Float64Array(net.V);
  for (let d = 0; d < net.D; d++) if (net.src[d] === net.dst[d]) selfMbps[net.src[d]!]! += net.mbps[d]!;

  const x = Array.from({ length: net.V }, (_, v) => {
    const row = new Int32Array(K).fill(NONE);
    for (let c = 0; c < K; c++) if (count[v * K + c]! > 0) row[c] = b.addVar(`x_${v}_${c}`, 0, 1);
    b.addConstraint(`assign_${v}`, [...row].filter((xv) => xv !== NONE).map((xv) => ({ v: xv, coef: 1 })), "=", 1);
    return row;
  });
  const cpuIn: LpTerm[][] = cls.list.map(() => []);
  const memIn: LpTerm[][] = cls.list.map(() => []);
  for (let v = 0; v < net.V; v++) {
    for (let c = 0; c < K; c++) {
      if (x[v]![c] === NONE) continue;
      cpuIn[c]!.push({ v: x[v]![c]!, coef: net.cpu[v]! });
      memIn[c]!.push({ v: x[v]![c]!, coef: net.mem[v]! });
    }
  }
  cls.list.forEach((c, i) => {
    b.addConstraint(`cpu_${i}`, cpuIn[i]!, "<=", c.cpu);
    b.addConstraint(`mem_${i}`, memIn[i]!, "<=", c.mem);
  });

  const obj: LpTerm[] = [];
  let constant = 0;
  const star: LpTerm[][] = Array.from({ length: net.V * K }, () => []);
  const local: LpTerm[][] = Array.from({ length: net.V * K }, () => []);
  /** Co-location variables and their value per pair (the density cut's weights). */
  const colocated: Array<Array<{ c: number; y: number }>> = [];
  const value = new Float64Array(pairs.length);
  const sharedLocal = new Float64Array(K);
  pairs.forEach(({ u, w, demands, mbps }, p) => {
    colocated.push([]);
    if (u === w) {
      // a VM's traffic to itself: at most the largest localMbps among its hosts less its own traffic, always
      const best = net.candidates[u]!.reduce((m, h) => Math.max(m, net.localMbps[h]!), 0);
      constant += demands.length * (best - selfMbps[u]!);
      return;
    }
    // co-located on class c: on a host of c both may use and fit on together, whose localMbps carries the pair's
    // and both VMs' own traffic; each demand gets at most localMbps less all of that
    const load = mbps + selfMbps[u]! + selfMbps[w]!;
    sharedLocal.fill(-Infinity);
    for (const h of net.candidates[u]!) {
      if (isCandidate[w]![h] !== 1) continue;
      if (!fitsWithin(net.cpu[u]! + net.cpu[w]!, net.cpuCap[h]!) || !fitsWithin(net.mem[u]! + net.mem[w]!, net.memCap[h]!)) continue;
      if (!fitsWithin(load, net.localMbps[h]!)) continue;
      const c = cls.of[h]!;
      sharedLocal[c] = Math.max(sharedLocal[c]!, net.localMbps[h]!);
    }
    const rltU: LpTerm[][] = Array.from({ length: K }, () => []);
    const rltW: LpTerm[][] = Array.from({ length: K }, () => []);
    for (let c = 0; c < K; c++) {
      if (sharedLocal[c] === -Infinity) continue;
      const coef = demands.length * (sharedLocal[c]! - load);
      const y = b.addVar(`y_${p}_${c}`, 0, 1);
      obj.push({ v: y, coef });
      value[p] = Math.max(value[p]!, coef);
      colocated[p]!.push({ c, y });
      rltU[c]!.push({ v: y, coef: 1 });
      rltW[c]!.push({ v: y, coef: 1 });
      for (const v of [u, w]) {
        star[v * K + c]!.push({ v: y, coef: 1 });
        local[v * K + c]!.push({ v: y, coef: mbps });
      }
    }
    // apart, u on class cu and w on class cw (two distinct hosts), when every demand fits the widest path there
    for (let cu = 0; cu < K; cu++) {
      for (let cw = 0; cw < K; cw++) {
        if (x[u]![cu] === NONE || x[w]![cw] === NONE) continue;
        if (cu === cw && count[u * K + cu] === 1 && count[w * K + cw] === 1 && anyHost[u * K + cu] === anyHost[w * K + cw]) continue;
        let coef = 0;
        for (const d of demands) {
          const width = net.src[d] === u ? cls.width[cu * K + cw]! : cls.width[cw * K + cu]!;
          if (width < net.mbps[d]!) coef = -Infinity;
          coef += width - net.mbps[d]!;
        }
        if (coef === -Infinity) continue;
        const t = b.addVar(`t_${p}_${cu}_${cw}`, 0, 1);
        obj.push({ v: t, coef });
        rltU[cu]!.push({ v: t, coef: 1 });
        rltW[cw]!.push({ v: t, coef: 1 });
      }
    }
    for (let c = 0; c < K; c++) {
      if (x[u]![c] !== NONE) b.addConstraint(`rltu_${p}_${c}`, [...rltU[c]!, { v: x[u]![c]!, coef: -1 }], "=", 0);
      if (x[w]![c] !== NONE) b.addConstraint(`rltw_${p}_${c}`, [...rltW[c]!, { v: x[w]![c]!, coef: -1 }], "=", 0);
    }
  });

  // star and local bandwidth per VM and class: v's co-located pairs are all on v's host
  for (let v = 0; v < net.V; v++) {
    for (let c = 0; c < K; c++) {
      const i = v * K + c;
      if (star[i]!.length === 0) continue;
      b.addConstraint(`star_${v}_${c}`, [...star[i]!, { v: x[v]![c]!, coef: -(mostOf[i]! - 1) }], "<=", 0);
      b.addConstraint(`local_${v}_${c}`, [...local[i]!, { v: x[v]![c]!, coef: -(localOf[i]! - selfMbps[v]!) }], "<=", 0);
    }
  }
  // density per class: the pairs co-located on each host weigh at most the ρ of its VMs
  const rho = vmDensities(net, pairs, value, (p) => colocated[p]!.length > 0, mostVmsAnywhere(net, cpuSorted, memSorted));
  if (rho !== null) {
    for (let c = 0; c < K; c++) {
      const terms: LpTerm[] = [];
      pairs.forEach((_, p) => {
        for (const { c: cy, y } of colocated[p]!) if (cy === c && value[p]! > 0) terms.push({ v: y, coef: value[p]! });
      });
      if (terms.length === 0) continue;
      for (let v = 0; v < net.V; v++) if (x[v]![c] !== NONE && rho[v]! > 0) terms.push({ v: x[v]![c]!, coef: -rho[v]! * (1 + 1e-9) });
      b.addConstraint(`density_${c}`, terms, "<=", 1e-9);
    }
  }
  return { model: b.build("vadapt_relaxation_rb", "max", obj), constant: constant - leastPenalty(net) };
}

/**
 * The relaxation's bound on the best score (upper when maximising, lower when minimising); null when the LP
 * solver gives no optimum (at its time limit, say), −∞/+∞ never (an infeasible relaxation proves the instance
 * infeasible: null too).
 */
export async function relaxationBound(net: Net, lp: LpSolver, options: RelaxationOptions & { readonly timeLimitMs?: number } = {}): Promise<number | null> {
  const { model, constant } = buildRelaxation(net, options);
  const r = await lp.solve(model, options.timeLimitMs === undefined ? {} : { timeLimitMs: options.timeLimitMs });
  if (r.status !== LpStatus.Optimal || r.objective === null) return null;
  const bound = r.objective + constant;
  // guard against solver tolerance on the wrong side of the bound
  const slack = 1e-7 * Math.max(1, Math.abs(bound));
  return maximizes(net.objective) ? bound + slack : bound - slack;
}
