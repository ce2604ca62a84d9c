/**
 * The exact mixed-integer program of the adaptation problem (`shared/spec/adaptation-problem.md`; the VADAPT
 * problem of Sundararaj & Dinda, VM'04), as an {@link LpModel}: an arc-based unsplittable multi-commodity flow
 * whose sources and sinks are the (binary) VM placements. The formulation, including the linearisation of the
 * residual-bottleneck objective (a max-sum-of-min), is documented in models/mip.md.
 */
import { Constraint, fitsWithin, Objective } from "../model/problem.js";
import { communicatingPairs, mostVmsWith, sortedSizes } from "./co-location.js";
import { LpBuilder, VarKind, type LpModel, type LpTerm } from "./lp-model.js";
import type { Net } from "./net.js";
import type { Plan } from "./plan.js";
import { leastLatencies, widestWidths } from "./widest-path.js";

/** The constraint families that {@link buildMip} can leave out (to find which ones make an instance infeasible). */
export const OMITTABLE = [
  Constraint.Cpu,
  Constraint.Memory,
  Constraint.LinkBandwidth,
  Constraint.LocalBandwidth,
  Constraint.Latency,
  Constraint.MaxMigrations,
] as const;
export type OmittableConstraint = (typeof OMITTABLE)[number];

export interface MipOptions {
  /** Constraint families to leave out. */
  readonly omit?: ReadonlySet<OmittableConstraint>;
  /** No objective: only feasibility matters. */
  readonly feasibilityOnly?: boolean;
}

export interface MipFormulation {
  readonly model: LpModel;
  /** `x[v * H + h]`: index of the variable "VM v on host h", −1 when h is not a candidate of v. */
  readonly x: Int32Array;
  /** Per demand, the edges it may use with the index of each "demand d uses edge e" variable. */
  readonly f: ReadonlyArray<ReadonlyArray<{ readonly e: number; readonly v: number }>>;
  /** Fills in every other variable's value for a given plan (a MIP start). */
  readonly startOf: (plan: Plan) => Float64Array;
}

/** The edges each demand may use: enough bandwidth for it, and latency within its bound (unless omitted). */
function usableEdges(net: Net, omit: ReadonlySet<OmittableConstraint>): number[][] {
  return Array.from({ length: net.D }, (_, d) => {
    if (net.src[d] === net.dst[d]) return [];
    const cs = net.candidates[net.src[d]!]!;
    const ct = net.candidates[net.dst[d]!]!;
    if (cs.length === 1 && ct.length === 1 && cs[0] === ct[0]) return [];
    const edges: number[] = [];
    for (let e = 0; e < net.E; e++) {
      if (!omit.has(Constraint.LinkBandwidth) && net.bw[e]! < net.mbps[d]!) continue;
      if (!omit.has(Constraint.Latency) && net.latencyMs[e]! > net.maxLatencyMs[d]!) continue;
      edges.push(e);
    }
    return edges;
  });
}

/** Host-pair tables for the cuts: least latency and widest raw bandwidth from a to b, and whether d may run a → b. */
function allPairs(net: Net): {
  latency: (a: number, b: number) => number;
  widest: (d: number, a: number, b: number) => number;
  canRoute: (d: number, a: number, b: number, omit: ReadonlySet<OmittableConstraint>) => boolean;
} {
  const widths = Array.from({ length: net.H }, (_, a) => widestWidths(net, a, net.bw));
  const latencies = Array.from({ length: net.H }, (_, a) => leastLatencies(net, a));
  return {
    latency: (a, b) => latencies[a]![b]!,
    widest: (_d, a, b) => widths[a]![b]!,
    // necessary conditions only (each ignores the other limit), so a pair is ruled out only when it is impossible
    canRoute: (d, a, b, omit) =>
      latencies[a]![b]! < Infinity &&
      (omit.has(Constraint.LinkBandwidth) || widths[a]![b]! >= net.mbps[d]!) &&
      (omit.has(Constraint.Latency) || latencies[a]![b]! <= net.maxLatencyMs[d]!),
  };
}

/** The number of variables the exact MIP would have (to decide whether it is worth building). */
export function mipVariableCount(net: Net): number {
  let n = net.candidates.reduce((s, c) => s + c.length, 0) + net.E + net.H + net.D + 1;
  for (const edges of usableEdges(net, new Set())) n += edges.length;
  for (const { u, w } of communicatingPairs(net).pairs) n += net.candidates[u]!.length * (u === w ? 1 : net.candidates[w]!.length);
  return n;
}

/** Builds the MIP for the net's objective (see models/mip.md for every constraint). */
export function buildMip(net: Net, options: MipOptions = {}): MipFormulation {
  const omit = options.omit ?? new Set<OmittableConstraint>();
  const { H, V, D, E } = net;
  const b = new LpBuilder();
  const capacities = !omit.has(Constraint.Cpu) && !omit.has(Constraint.Memory);

  // x[v,h]: VM v runs on host h
  const x = new Int32Array(V * H).fill(-1);
  for (let v = 0; v < V; v++) for (const h of net.candidates[v]!) x[v * H + h] = b.addVar(`x_${v}_${h}`, 0, 1, VarKind.Binary);
  const xs = (v: number, h: number): number => x[v * H + h]!;

  // f[d,e]: demand d is routed over edge e
  const usable = usableEdges(net, omit);
  const f = usable.map((edges, d) => edges.map((e) => ({ e, v: b.addVar(`f_${d}_${e}`, 0, 1, VarKind.Binary) })));

  // y[p,h] = x[u,h] · x[w,h]: the VM pair p (u ≠ w) is co-located on h; z[p,a,b] = x[u,a] · x[w,b], a ≠ b: the
  // pair runs apart, u on a and w on b. Both continuous: the equalities below (the reformulation-linearization of
  // the products, Adams & Johnson 1994) make them exact for binary x and tighten the LP relaxation.
  const { pairs, pairOf } = communicatingPairs(net);
  const hostPairs = allPairs(net);
  const y: Array<Array<{ h: number; v: number }>> = [];
  const z: Array<Map<number, number>> = [];
  pairs.forEach(({ u, w, demands }, p) => {
    const list: Array<{ h: number; v: number }> = [];
    const apart = new Map<number, number>();
    y.push(list);
    z.push(apart);
    if (u === w) {
      for (const h of net.candidates[u]!) {
        const yv = b.addVar(`y_${p}_${h}`, 0, 1);
        list.push({ h, v: yv });
        b.addConstraint(`ye_${p}_${h}`, [{ v: yv, coef: 1 }, { v: xs(u, h), coef: -1 }], "=", 0);
      }
      return;
    }
    const row: LpTerm[][] = Array.from({ length: H }, () => []);
    const col: LpTerm[][] = Array.from({ length: H }, () => []);
    for (const h of net.candidates[u]!) {
      if (xs(w, h) < 0) continue;
      if (capacities && !(fitsWithin(net.cpu[u]! + net.cpu[w]!, net.cpuCap[h]!) && fitsWithin(net.mem[u]! + net.mem[w]!, net.memCap[h]!))) continue;
      const yv = b.addVar(`y_${p}_${h}`, 0, 1);
      list.push({ h, v: yv });
      row[h]!.push({ v: yv, coef: 1 });
      col[h]!.push({ v: yv, coef: 1 });
    }
    for (const a of net.candidates[u]!) {
      for (const c of net.candidates[w]!) {
        if (a === c) continue;
        // apart on (a, c) is impossible (no variable) when some demand of the pair has no usable route between them
        const open = demands.every((d) => {
          const [from, to] = net.src[d] === u ? [a, c] : [c, a];
          return hostPairs.canRoute(d, from, to, omit);
        });
        if (!open) continue;
        const zv = b.addVar(`z_${p}_${a}_${c}`, 0, 1);
        apart.set(a * H + c, zv);
        row[a]!.push({ v: zv, coef: 1 });
        col[c]!.push({ v: zv, coef: 1 });
      }
    }
    for (const a of net.candidates[u]!) b.addConstraint(`rltu_${p}_${a}`, [...row[a]!, { v: xs(u, a), coef: -1 }], "=", 0);
    for (const c of net.candidates[w]!) b.addConstraint(`rltw_${p}_${c}`, [...col[c]!, { v: xs(w, c), coef: -1 }], "=", 0);
  });
  /** Terms `coef(a, b) · z[p, a, b]` over where demand d's source and destination run apart (a → b). */
  const apartTerms = (d: number, coef: (a: number, c: number) => number): LpTerm[] => {
    const p = pairOf[d]!;
    const forward = net.src[d] === pairs[p]!.u;
    const out: LpTerm[] = [];
    for (const [key, v] of z[p]!) {
      const a = Math.floor(key / H);
      const c = key % H;
      out.push(forward ? { v, coef: coef(a, c) } : { v, coef: coef(c, a) });
    }
    return out;
  };
  /** Terms `coef · Σ_h y[p,h]` (the pair is co-located somewhere). */
  const together = (p: number, coef: number): LpTerm[] => y[p]!.map(({ v }) => ({ v, coef }));

  // each VM on exactly one host
  for (let v = 0; v < V; v++) b.addConstraint(`assign_${v}`, net.candidates[v]!.map((h) => ({ v: xs(v, h), coef: 1 })), "=", 1);

  // host capacities
  for (let h = 0; h < H; h++) {
    const cpu: LpTerm[] = [];
    const mem: LpTerm[] = [];
    for (let v = 0; v < V; v++) {
      if (xs(v, h) < 0) continue;
      cpu.push({ v: xs(v, h), coef: net.cpu[v]! });
      mem.push({ v: xs(v, h), coef: net.mem[v]! });
    }
    if (!omit.has(Constraint.Cpu) && cpu.length > 0) b.addConstraint(`cpu_${h}`, cpu, "<=", net.cpuCap[h]!);
    if (!omit.has(Constraint.Memory) && mem.length > 0) b.addConstraint(`mem_${h}`, mem, "<=", net.memCap[h]!);
  }

  // flow conservation: out − in = x[src,h] − x[dst,h]; and a demand not co-located uses at least one edge (cut)
  for (let d = 0; d < D; d++) {
    const s = net.src[d]!;
    const t = net.dst[d]!;
    if (s === t) continue;
    const at: LpTerm[][] = Array.from({ length: H }, () => []);
    for (const { e, v } of f[d]!) {
      at[net.from[e]!]!.push({ v, coef: 1 });
      at[net.to[e]!]!.push({ v, coef: -1 });
    }
    for (let h = 0; h < H; h++) {
      const terms = at[h]!;
      if (xs(s, h) >= 0) terms.push({ v: xs(s, h), coef: -1 });
      if (xs(t, h) >= 0) terms.push({ v: xs(t, h), coef: 1 });
      if (terms.length > 0) b.addConstraint(`flow_${d}_${h}`, terms, "=", 0);
    }
    b.addConstraint(`hop_${d}`, [...f[d]!.map(({ v }) => ({ v, coef: 1 })), ...together(pairOf[d]!, 1)], ">=", 1);
  }

  // link loads l[e] = Σ mbps f; l[e] ≤ bw
  const loadOn: LpTerm[][] = Array.from({ length: E }, () => []);
  f.forEach((list, d) => {
    for (const { e, v } of list) loadOn[e]!.push({ v, coef: net.mbps[d]! });
  });
  const l = Array.from({ length: E }, (_, e) => b.addVar(`l_${e}`, 0, omit.has(Constraint.LinkBandwidth) ? Infinity : net.bw[e]!));
  for (let e = 0; e < E; e++) b.addConstraint(`load_${e}`, [...loadOn[e]!, { v: l[e]!, coef: -1 }], "=", 0);

  // co-located loads per host; and per VM (cut: a VM's co-located pairs are all on its own host)
  const localOn: LpTerm[][] = Array.from({ length: H }, () => []);
  const vmLocal: LpTerm[][] = Array.from({ length: V * H }, () => []);
  const vmStar: LpTerm[][] = Array.from({ length: V * H }, () => []);
  pairs.forEach(({ u, w, mbps }, p) => {
    for (const { h, v } of y[p]!) {
      localOn[h]!.push({ v, coef: mbps });
      if (u === w) continue;
      for (const z of [u, w]) {
        vmLocal[z * H + h]!.push({ v, coef: mbps });
        vmStar[z * H + h]!.push({ v, coef: 1 });
      }
    }
  });
  const lh = Array.from({ length: H }, (_, h) => b.addVar(`lh_${h}`, 0, omit.has(Constraint.LocalBandwidth) ? Infinity : net.localMbps[h]!));
  for (let h = 0; h < H; h++) b.addConstraint(`local_${h}`, [...localOn[h]!, { v: lh[h]!, coef: -1 }], "=", 0);
  // cuts: a VM's co-located pairs at h carry at most localMbps(h) and number at most (VMs that fit with it) − 1
  const { cpuSorted, memSorted } = sortedSizes(net);
  for (let v = 0; v < V; v++) {
    for (const h of net.candidates[v]!) {
      const i = v * H + h;
      if (!omit.has(Constraint.LocalBandwidth) && vmLocal[i]!.length > 0) {
        b.addConstraint(`vlocal_${v}_${h}`, [...vmLocal[i]!, { v: xs(v, h), coef: -net.localMbps[h]! }], "<=", 0);
      }
      const k = capacities ? mostVmsWith(net, v, h, cpuSorted, memSorted) : V;
      if (vmStar[i]!.length > k - 1) b.addConstraint(`star_${v}_${h}`, [...vmStar[i]!, { v: xs(v, h), coef: -(k - 1) }], "<=", 0);
    }
  }

  // latency bounds
  if (!omit.has(Constraint.Latency)) {
    for (let d = 0; d < D; d++) {
      if (net.maxLatencyMs[d] === Infinity || f[d]!.length === 0) continue;
      b.addConstraint(`lat_${d}`, f[d]!.map(({ e, v }) => ({ v, coef: net.latencyMs[e]! })), "<=", net.maxLatencyMs[d]!);
    }
  }

  // migrations: moves = Σ over VMs with a current host of x[v,h], h ≠ current
  const moves: LpTerm[] = [];
  const penalty: LpTerm[] = [];
  const w = net.instance.migrationWeight;
  for (let v = 0; v < V; v++) {
    const cur = net.current[v]!;
    if (cur < 0) continue;
    for (const h of net.candidates[v]!) {
      if (h === cur) continue;
      moves.push({ v: xs(v, h), coef: 1 });
      if (w > 0) penalty.push({ v: xs(v, h), coef: w * net.moveSeconds[v * H + h]! });
    }
  }
  const max = net.instance.maxMigrations;
  if (!omit.has(Constraint.MaxMigrations) && max !== null && moves.length > 0) b.addConstraint("migrations", moves, "<=", max);

  const rVars = new Int32Array(D).fill(-1);
  let uVar = -1;
  const startOf = (plan: Plan): Float64Array => {
    const values = new Float64Array(b.vars.length);
    for (let v = 0; v < V; v++) values[xs(v, plan.hostOf[v]!)] = 1;
    f.forEach((list, d) => {
      const used = new Set(plan.route[d]!);
      for (const { e, v } of list) if (used.has(e)) values[v] = 1;
    });
    pairs.forEach(({ u: a, w: c }, p) => {
      const ha = plan.hostOf[a]!;
      const hc = plan.hostOf[c]!;
      for (const { h, v } of y[p]!) if (ha === h && hc === h) values[v] = 1;
      const zv = z[p]!.get(ha * H + hc);
      if (ha !== hc && zv !== undefined) values[zv] = 1;
    });
    for (let e = 0; e < E; e++) values[l[e]!] = plan.load[e]!;
    for (let h = 0; h < H; h++) values[lh[h]!] = plan.localLoad[h]!;
    for (let d = 0; d < D; d++) {
      if (rVars[d]! < 0) continue;
      const edges = plan.route[d]!;
      let rb = edges.length === 0 ? net.localMbps[plan.hostOf[net.src[d]!]!]! - plan.localLoad[plan.hostOf[net.src[d]!]!]! : Infinity;
      for (const e of edges) rb = Math.min(rb, plan.residual[e]!);
      values[rVars[d]!] = rb;
    }
    if (uVar >= 0) values[uVar] = plan.objective(Objective.MaxUtilization);
    return values;
  };

  if (options.feasibilityOnly === true) return { model: b.build("vadapt_feasibility", "min", []), x, f, startOf };

  if (net.objective === Objective.ResidualBottleneck) {
    // r[d] ≤ bw(e) − l[e] + A(1 − f[d,e]) + (B − A) Σ_h y[p,h] on every usable edge; r[d] ≤ local(h) − lh[h] +
    // C(1 − y[p,h]) on every co-location host. Each big-M is the smallest valid one: with f[d,e] = 0 the edge
    // carries at most the other demands that may use it (and at most bw), and r[d] is at most the widest usable
    // edge less mbps when d runs apart (A) or the largest localMbps less mbps when co-located (B); with
    // y[p,h] = 0 the host carries at most its densest C(k, 2) pairs and k self-demands (k VMs fit on it) (C).
    // Cut: r[d] ≤ Σ_h (local(h) − mbps) y[p,h] + (widest usable edge − mbps)(1 − Σ_h y[p,h]).
    const linkCap = (e: number): number => (omit.has(Constraint.LinkBandwidth) ? Infinity : net.bw[e]!);
    const usableLoad = new Float64Array(E);
    f.forEach((list, d) => {
      for (const { e } of list) usableLoad[e]! += net.mbps[d]!;
    });
    const hostLoad = new Float64Array(H);
    for (let h = 0; h < H; h++) {
      let k = 0;
      for (let v = 0; v < V; v++) if (xs(v, h) >= 0) k = Math.max(k, capacities ? mostVmsWith(net, v, h, cpuSorted, memSorted) : V);
      const apart: number[] = [];
      const self: number[] = [];
      pairs.forEach(({ u, w, mbps }, p) => {
        if (y[p]!.some((t) => t.h === h)) (u === w ? self : apart).push(mbps);
      });
      const top = (xs: number[], n: number): number => xs.sort((a, c) => c - a).slice(0, n).reduce((s, m) => s + m, 0);
      const most = top(apart, (k * (k - 1)) / 2) + top(self, k);
      hostLoad[h] = omit.has(Constraint.LocalBandwidth) ? most : Math.min(most, net.localMbps[h]!);
    }
    const objective: LpTerm[] = [];
    for (let d = 0; d < D; d++) {
      const p = pairOf[d]!;
      const m = net.mbps[d]!;
      let topLink = m;
      for (const { e } of f[d]!) topLink = Math.max(topLink, net.bw[e]!);
      let topLocal = m;
      for (const { h } of y[p]!) topLocal = Math.max(topLocal, net.localMbps[h]!);
      const big = Math.max(0, topLink - m, topLocal - m);
      const r = b.addVar(`r_${d}`, 0, big);
      rVars[d] = r;
      objective.push({ v: r, coef: 1 });
      for (const { e, v } of f[d]!) {
        const others = Math.min(linkCap(e), usableLoad[e]! - m);
        const apartM = Math.max(0, topLink - m - net.bw[e]! + others);
        const togetherM = Math.max(0, big - net.bw[e]! + others);
        b.addConstraint(`rb_${d}_${e}`, [{ v: r, coef: 1 }, { v: l[e]!, coef: 1 }, { v, coef: apartM }, ...(togetherM > apartM ? together(p, apartM - togetherM) : [])], "<=", net.bw[e]! + apartM);
      }
      // cut: r[d] ≤ Σ_h (local(h) − mbps) y[p,h] + Σ_{a≠b} (widest usable a → b − mbps) z[p,a,b]
      const cut: LpTerm[] = [{ v: r, coef: 1 }, ...apartTerms(d, (a, c) => -(hostPairs.widest(d, a, c) - m))];
      for (const { h, v } of y[p]!) {
        let elsewhere = topLink;
        for (const t of y[p]!) if (t.h !== h) elsewhere = Math.max(elsewhere, net.localMbps[t.h]!);
        const hostM = Math.max(0, elsewhere - m - net.localMbps[h]! + hostLoad[h]!);
        b.addConstraint(`rbl_${d}_${h}`, [{ v: r, coef: 1 }, { v: lh[h]!, coef: 1 }, { v, coef: hostM }], "<=", net.localMbps[h]! + hostM);
        cut.push({ v, coef: -(net.localMbps[h]! - m) });
      }
      b.addConstraint(`rcut_${d}`, cut, "<=", 0);
    }
    return { model: b.build("vadapt_residual_bottleneck", "max", [...objective, ...penalty.map((t) => ({ v: t.v, coef: -t.coef }))]), x, f, startOf };
  }
  if (net.objective === Objective.TrafficCost) {
    // Cut: a demand whose VMs run on a ≠ b pays at least the least latency from a to b.
    const objective: LpTerm[] = [];
    f.forEach((list, d) => {
      for (const { e, v } of list) objective.push({ v, coef: net.mbps[d]! * net.latencyMs[e]! });
      if (list.length === 0) return;
      const cut = [...list.map(({ e, v }) => ({ v, coef: net.latencyMs[e]! })), ...apartTerms(d, (a, c) => -hostPairs.latency(a, c))];
      b.addConstraint(`tcut_${d}`, cut, ">=", 0);
    });
    return { model: b.build("vadapt_traffic_cost", "min", [...objective, ...penalty]), x, f, startOf };
  }
  // max-utilization: l[e] ≤ U · bw(e); cut: a VM's outgoing (incoming) traffic not co-located crosses its host's
  // out (in) links, so it is at most U times their total bandwidth.
  const u = b.addVar("u", 0, Infinity);
  uVar = u;
  for (let e = 0; e < E; e++) b.addConstraint(`util_${e}`, [{ v: l[e]!, coef: 1 }, { v: u, coef: -net.bw[e]! }], "<=", 0);
  const sumOut = new Float64Array(H);
  const sumIn = new Float64Array(H);
  for (let e = 0; e < E; e++) {
    sumOut[net.from[e]!]! += net.bw[e]!;
    sumIn[net.to[e]!]! += net.bw[e]!;
  }
  for (let v = 0; v < V; v++) {
    for (const [side, sum] of [["out", sumOut], ["in", sumIn]] as const) {
      const terms: LpTerm[] = [];
      let total = 0;
      for (const d of net.incident[v]!) {
        if (net.src[d] === net.dst[d] || (side === "out" ? net.src[d] : net.dst[d]) !== v) continue;
        total += net.mbps[d]!;
        terms.push(...together(pairOf[d]!, -net.mbps[d]!));
      }
      if (total === 0) continue;
      const cap = Math.max(...net.candidates[v]!.map((h) => sum[h]!));
      b.addConstraint(`ucut_${side}_${v}`, [...terms, { v: u, coef: -cap }], "<=", -total);
    }
  }
  return { model: b.build("vadapt_max_utilization", "min", [{ v: u, coef: 1 }, ...penalty]), x, f, startOf };
}

/**
 * Reads a mapping and routes out of MIP values: each VM on its host with x = 1, each inter-host demand along a
 * fewest-hop path within its edges with f = 1 (dropping any cycles the solver left, which only ever add load).
 * Null when the values do not describe a plan.
 */
export function decodeMip(net: Net, form: MipFormulation, values: Float64Array): { hostOf: Int32Array; routes: number[][] } | null {
  const { H } = net;
  const hostOf = new Int32Array(net.V).fill(-1);
  for (let v = 0; v < net.V; v++) {
    for (const h of net.candidates[v]!) if (values[form.x[v * H + h]!]! > 0.5) hostOf[v] = h;
    if (hostOf[v]! < 0) return null;
  }
  const routes: number[][] = [];
  for (let d = 0; d < net.D; d++) {
    const a = hostOf[net.src[d]!]!;
    const z = hostOf[net.dst[d]!]!;
    if (a === z) {
      routes.push([]);
      continue;
    }
    const out: number[][] = Array.from({ length: H }, () => []);
    for (const { e, v } of form.f[d]!) if (values[v]! > 0.5) out[net.from[e]!]!.push(e);
    const via = new Int32Array(H).fill(-1);
    const seen = new Uint8Array(H);
    seen[a] = 1;
    const queue = [a];
    for (let i = 0; i < queue.length && seen[z] === 0; i++) {
      for (const e of out[queue[i]!]!) {
        const t = net.to[e]!;
        if (seen[t] === 1) continue;
        seen[t] = 1;
        via[t] = e;
        queue.push(t);
      }
    }
    if (seen[z] === 0) return null;
    const edges: number[] = [];
    for (let h = z; h !== a; h = net.from[via[h]!]!) edges.push(via[h]!);
    routes.push(edges.reverse());
  }
  return { hostOf, routes };
}
