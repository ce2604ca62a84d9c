/**
 * Exact combinatorial branch and bound for small instances (a dozen VMs on a few hosts): depth-first over the VMs'
 * hosts, then, for each complete mapping, over the demands' simple paths, pruning every node whose optimistic bound
 * cannot beat the best plan found (Land & Doig, Econometrica 1960; depth-first with a heuristic incumbent). It
 * answers the same problem as the exact MIP (models/mip.md) without an LP solver, and closes the residual-bottleneck
 * instances whose big-M relaxation leaves branch and bound in the MIP slow (bench/solve-exact12).
 *
 * Bounds (oriented so that larger is better, the migration penalty included):
 * - mapping nodes: a demand whose VMs are both placed is worth at most its host's localMbps less the co-located load
 *   so far when co-located, or its best usable path's width less its Mbit/s when apart (traffic-cost: at least its
 *   least latency times its Mbit/s; max-utilization: at least its Mbit/s over the widest usable path's width); a
 *   demand with a VM still unplaced the best of both; and only `Σ_v ρ_v` demands can be co-located at all (the
 *   densities of co-location.ts), less those already co-located; max-utilization also takes, for every set S of
 *   hosts (up to 8 hosts), the traffic sure to cross from S to the rest over the bandwidth of the links leaving S;
 * - path nodes: routed demands keep at most the residual they see now (loads only grow), an unrouted one at most
 *   its best path with room after its own load; and (residual-bottleneck) each host's demands leave it over its
 *   links and enter their destination over its links, so per host at most the best concave allocation of its
 *   unrouted demands to its links (first- and last-hop bounds).
 *
 * Symmetry: VMs that are interchangeable (swapping them maps the instance onto itself: same sizes, candidates,
 * current host where migrations count, and demands) take hosts in non-decreasing order, and interchangeable
 * demands (same hosts, Mbit/s and latency bound) paths in non-decreasing order: neither cuts off a plan's value.
 */
import { fitsWithin, Objective } from "../model/problem.js";
import { communicatingPairs, mostVmsAnywhere, sortedSizes, vmDensities } from "./co-location.js";
import { partnerOf, type Net } from "./net.js";
import { Plan } from "./plan.js";

export interface BranchAndBoundOptions {
  /** A feasible plan: its score is the first incumbent (and the answer when nothing beats it). */
  readonly start?: Plan | null;
  /** Stop this many milliseconds after the start (needs `clock`). */
  readonly deadlineMs?: number;
  /** Milliseconds from any origin (core has no clock of its own). */
  readonly clock?: () => number;
  /** Stop after this many search nodes (default {@link DEFAULT_MAX_NODES}). */
  readonly maxNodes?: number;
}

export type BranchAndBoundOutcome =
  /** The best plan, proven optimal. */
  | { readonly kind: "optimal"; readonly plan: Plan; readonly nodes: number }
  /** The whole tree was searched and holds no feasible plan. */
  | { readonly kind: "infeasible"; readonly nodes: number }
  /** Stopped at the deadline or node limit: the best plan so far (the start's when nothing beat it), not proven. */
  | { readonly kind: "limit"; readonly plan: Plan | null; readonly nodes: number };

/** Search nodes (placements and routes tried) before giving up without a deadline: about a minute. */
export const DEFAULT_MAX_NODES = 50_000_000;
/** Most simple paths between all host pairs for which the search applies (each is a branch of every demand). */
export const MAX_SIMPLE_PATHS = 20_000;
/** Most VMs for which `auto` tries the search before the MIP. */
export const BRANCH_AND_BOUND_MAX_VMS = 16;
/** Up to this many hosts, max-utilization's bound looks at every set of hosts (2^H − 2 of them); beyond, at none. */
const CUT_HOSTS = 8;

/** A simple path between two hosts. */
export interface SimplePath {
  readonly edges: Int32Array;
  readonly latencyMs: number;
  /** Narrowest link's bandwidth. */
  readonly widthMbps: number;
}

/** Every simple path between every ordered host pair `a · H + b`. */
export type SimplePathTable = ReadonlyArray<readonly SimplePath[]>;

/**
 * Every simple path between every ordered host pair, or null beyond {@link MAX_SIMPLE_PATHS} (where the search does
 * not apply): enumerated once, and handed to {@link branchAndBound}.
 */
export function simplePathTable(net: Net): SimplePathTable | null {
  const table: SimplePath[][] = Array.from({ length: net.H * net.H }, () => []);
  let count = 0;
  const onPath = new Uint8Array(net.H);
  const edges: number[] = [];
  const visit = (source: number, at: number, latency: number, width: number): boolean => {
    for (const e of net.out[at]!) {
      const next = net.to[e]!;
      if (onPath[next] === 1) continue;
      edges.push(e);
      const lat = latency + net.latencyMs[e]!;
      const w = Math.min(width, net.bw[e]!);
      if (++count > MAX_SIMPLE_PATHS) return false;
      table[source * net.H + next]!.push({ edges: Int32Array.from(edges), latencyMs: lat, widthMbps: w });
      onPath[next] = 1;
      const ok = visit(source, next, lat, w);
      onPath[next] = 0;
      edges.pop();
      if (!ok) return false;
    }
    return true;
  };
  for (let a = 0; a < net.H; a++) {
    onPath[a] = 1;
    const ok = visit(a, a, 0, Infinity);
    onPath[a] = 0;
    if (!ok) return null;
  }
  return table;
}

/** Groups of interchangeable VMs: swapping two of them maps sizes, candidates, current hosts and demands onto themselves. */
function twinOf(net: Net): Int32Array {
  const movesMatter = net.instance.migrationWeight > 0 || net.instance.maxMigrations !== null;
  const keys = (perm: (v: number) => number): string[] =>
    Array.from({ length: net.D }, (_, d) => `${perm(net.src[d]!)} ${perm(net.dst[d]!)} ${net.mbps[d]} ${net.maxLatencyMs[d]}`).sort();
  const base = keys((v) => v).join("|");
  const twin = new Int32Array(net.V).fill(-1);
  for (let u = 0; u < net.V; u++) {
    if (twin[u]! >= 0) continue;
    for (let w = u + 1; w < net.V; w++) {
      if (twin[w]! >= 0) continue;
      if (net.cpu[u] !== net.cpu[w] || net.mem[u] !== net.mem[w]) continue;
      if (movesMatter && net.current[u] !== net.current[w]) continue;
      const cu = net.candidates[u]!;
      const cw = net.candidates[w]!;
      if (cu.length !== cw.length || cu.some((h, i) => cw[i] !== h)) continue;
      if (keys((v) => (v === u ? w : v === w ? u : v)).join("|") === base) twin[w] = u;
    }
  }
  return twin;
}

/**
 * The exact optimum by branch and bound over the paths of {@link simplePathTable}, or the best plan at a limit.
 * Feasibility is the spec's (every constraint, with the same tolerance as the plan and the checker).
 */
export function branchAndBound(net: Net, paths: SimplePathTable, options: BranchAndBoundOptions = {}): BranchAndBoundOutcome {
  const { H, V, D } = net;
  const objective = net.objective;
  const weight = net.instance.migrationWeight;
  const maxMoves = net.instance.maxMigrations;
  const maxNodes = options.maxNodes ?? DEFAULT_MAX_NODES;
  const { clock, deadlineMs } = options;
  const t0 = clock?.() ?? 0;
  let nodes = 0;
  let stopped = false;
  const tick = (): boolean => {
    nodes++;
    if (nodes >= maxNodes) stopped = true;
    else if ((nodes & 1023) === 0 && clock !== undefined && deadlineMs !== undefined && clock() - t0 >= deadlineMs) stopped = true;
    return stopped;
  };

  // per demand and host pair: the usable paths (room for the demand alone, within its latency bound), best first
  const usable: SimplePath[][][] = Array.from({ length: D }, (_, d) =>
    Array.from({ length: H * H }, (_, ab) => {
      const list = paths[ab]!.filter((p) => fitsWithin(net.mbps[d]!, p.widthMbps) && fitsWithin(p.latencyMs, net.maxLatencyMs[d]!));
      return objective === Objective.TrafficCost ? list.sort((p, q) => p.latencyMs - q.latencyMs) : list.sort((p, q) => q.widthMbps - p.widthMbps);
    }),
  );
  /** What an apart demand on (a, b) is at best worth, oriented (−Infinity: it cannot run apart there). */
  const apartBest = new Float64Array(D * H * H).fill(-Infinity);
  for (let d = 0; d < D; d++) {
    const m = net.mbps[d]!;
    for (let ab = 0; ab < H * H; ab++) {
      const list = usable[d]![ab]!;
      if (list.length === 0 || Math.floor(ab / H) === ab % H) continue;
      if (objective === Objective.ResidualBottleneck) apartBest[d * H * H + ab] = list[0]!.widthMbps - m;
      else if (objective === Objective.TrafficCost) apartBest[d * H * H + ab] = -m * list[0]!.latencyMs;
      else apartBest[d * H * H + ab] = m === 0 ? 0 : -m / list.reduce((w, p) => Math.max(w, p.widthMbps), 0);
    }
  }

  // densities: at most Σ ρ demands (of distinct VMs) can be co-located in any plan
  const { pairs } = communicatingPairs(net);
  const { cpuSorted, memSorted } = sortedSizes(net);
  const k = mostVmsAnywhere(net, cpuSorted, memSorted);
  const candidateSets = net.candidates.map((c) => new Set(c));
  const demandCount = Float64Array.from(pairs, ({ u, w, demands }) => (u === w ? 0 : demands.length));
  const rho = vmDensities(net, pairs, demandCount, (p) => net.candidates[pairs[p]!.u]!.some((h) => candidateSets[pairs[p]!.w]!.has(h)), k);
  const mostColocated = rho === null ? D : Math.floor(rho.reduce((s, x) => s + x, 0) + 1e-6);

  // VM order: the most constrained first, then always the VM most tied to those already ordered
  const order: number[] = [];
  const ordered = new Uint8Array(V);
  const tie = new Float64Array(V);
  for (let i = 0; i < V; i++) {
    let best = -1;
    for (let v = 0; v < V; v++) {
      if (ordered[v] === 1) continue;
      if (best < 0) {
        best = v;
        continue;
      }
      const c = net.candidates[v]!.length - net.candidates[best]!.length;
      const better = i === 0 ? c < 0 || (c === 0 && net.incident[v]!.length > net.incident[best]!.length) : tie[v]! > tie[best]! || (tie[v] === tie[best] && c < 0);
      if (better) best = v;
    }
    order.push(best);
    ordered[best] = 1;
    for (const d of net.incident[best]!) {
      const other = partnerOf(net, d, best);
      tie[other]! += 1;
    }
  }
  // each VM's interchangeable predecessor in the order: it takes a host of no smaller index
  const twin = twinOf(net);
  const previousTwin = new Int32Array(V).fill(-1);
  const lastOfClass = new Map<number, number>();
  for (const v of order) {
    const cls = twin[v]! >= 0 ? twin[v]! : v;
    previousTwin[v] = lastOfClass.get(cls) ?? -1;
    lastOfClass.set(cls, v);
  }

  // mapping state
  const hostOf = new Int32Array(V).fill(-1);
  const cpuUsed = new Float64Array(H);
  const memUsed = new Float64Array(H);
  const localLoad = new Float64Array(H);
  let colocated = 0;
  let moves = 0;
  let penalty = 0;
  /** Cheapest migration penalty of each VM anywhere, for the bound. */
  const cheapest = Float64Array.from({ length: V }, (_, v) =>
    weight === 0 || net.current[v]! < 0 ? 0 : Math.min(...net.candidates[v]!.map((h) => weight * net.moveSeconds[v * H + h]!)),
  );

  let bestGain = -Infinity;
  let bestMapping: Int32Array | null = null;
  let bestRoutes: Array<Int32Array | null> = [];
  const start = options.start ?? null;
  if (start !== null) bestGain = start.gain();
  const beats = (bound: number): boolean => (bestGain === -Infinity ? bound > -Infinity : bound > bestGain + 1e-9 * Math.max(1, Math.abs(bestGain)));

  /** Demand d's value once both its VMs are placed (oriented; −Infinity when it cannot be carried). */
  const placedValue = (d: number): number => {
    const a = hostOf[net.src[d]!]!;
    const b = hostOf[net.dst[d]!]!;
    if (a === b) {
      if (objective === Objective.ResidualBottleneck) return net.localMbps[a]! - localLoad[a]!;
      return 0;
    }
    return apartBest[d * H * H + a * H + b]!;
  };
  const single = Array.from({ length: H }, (_, h) => [h]);
  let openApart = 0;
  let openExtra = 0;
  /**
   * Demand d's best value with at least one VM unplaced: sets `openApart` (−Infinity when d can run nowhere) and
   * `openExtra` (what co-location adds to it, ≥ 0).
   */
  const openValue = (d: number): void => {
    const s = net.src[d]!;
    const t = net.dst[d]!;
    const a = hostOf[s]!;
    const b = hostOf[t]!;
    const m = net.mbps[d]!;
    let apart = -Infinity;
    let together = -Infinity;
    const sHosts = a >= 0 ? single[a]! : net.candidates[s]!;
    // a VM's demand to itself is always co-located
    const tHosts = s === t ? null : b >= 0 ? single[b]! : net.candidates[t]!;
    if (tHosts === null) {
      for (const x of sHosts) together = Math.max(together, objective === Objective.ResidualBottleneck ? net.localMbps[x]! - localLoad[x]! - m : 0);
      openApart = together;
      openExtra = 0;
      return;
    }
    for (const x of sHosts) {
      for (const y of tHosts) {
        if (x !== y) apart = Math.max(apart, apartBest[d * H * H + x * H + y]!);
        else together = Math.max(together, objective === Objective.ResidualBottleneck ? net.localMbps[x]! - localLoad[x]! - m : 0);
      }
    }
    openApart = apart === -Infinity ? together : apart;
    openExtra = apart === -Infinity ? 0 : Math.max(0, together - apart);
  };

  // max-utilization: the traffic from a set S of hosts to the others crosses the links leaving S, so the largest
  // utilisation is at least their ratio. Over every S (up to CUT_HOSTS hosts), counting each demand whose source
  // is sure to run in S and destination outside: placed there, or unplaced with room left only there.
  const cutMasks: number[] = [];
  const cutBw: number[] = [];
  if (objective === Objective.MaxUtilization && H <= CUT_HOSTS) {
    for (let S = 1; S < (1 << H) - 1; S++) {
      let bw = 0;
      for (let e = 0; e < net.E; e++) if ((S >> net.from[e]!) & 1 && !((S >> net.to[e]!) & 1)) bw += net.bw[e]!;
      cutMasks.push(S);
      cutBw.push(bw);
    }
  }
  /** Per VM, the hosts (a bit each) it may still run on. */
  const where = new Int32Array(V);
  const fromMask = new Int32Array(D);
  const toMask = new Int32Array(D);
  const kindTraffic = new Float64Array(D);
  /** The largest cut ratio of the demands' traffic (Infinity when traffic must cross a cut of no bandwidth). */
  const cutUtilization = (demands: readonly number[]): number => {
    if (cutMasks.length === 0) return 0;
    for (let v = 0; v < V; v++) {
      if (hostOf[v]! >= 0) {
        where[v] = 1 << hostOf[v]!;
        continue;
      }
      let mask = 0;
      for (const h of net.candidates[v]!) if (fitsWithin(cpuUsed[h]! + net.cpu[v]!, net.cpuCap[h]!) && fitsWithin(memUsed[h]! + net.mem[v]!, net.memCap[h]!)) mask |= 1 << h;
      where[v] = mask;
    }
    // the demands' traffic by (source's hosts, destination's hosts)
    let kinds = 0;
    for (const d of demands) {
      const a = where[net.src[d]!]!;
      const b = where[net.dst[d]!]!;
      if (a === b && a !== 0) continue; // on the same hosts: never on two sides of a cut
      let j = 0;
      while (j < kinds && (fromMask[j] !== a || toMask[j] !== b)) j++;
      if (j === kinds) {
        fromMask[kinds] = a;
        toMask[kinds] = b;
        kindTraffic[kinds++] = 0;
      }
      kindTraffic[j]! += net.mbps[d]!;
    }
    let u = 0;
    for (let i = 0; i < cutMasks.length; i++) {
      const S = cutMasks[i]!;
      let traffic = 0;
      for (let j = 0; j < kinds; j++) if ((fromMask[j]! & ~S) === 0 && (toMask[j]! & S) === 0) traffic += kindTraffic[j]!;
      if (traffic > 0) u = Math.max(u, traffic / cutBw[i]!);
    }
    return u;
  };
  const interHost = Array.from({ length: D }, (_, d) => d).filter((d) => net.src[d] !== net.dst[d]);

  const extras = new Float64Array(D);
  /** Upper bound on the gain of any completion of the current partial mapping. */
  const mappingBound = (): number => {
    let value = 0;
    let extraCount = 0;
    let utilization = 0;
    for (let d = 0; d < D; d++) {
      const s = net.src[d]!;
      const t = net.dst[d]!;
      if (hostOf[s]! >= 0 && hostOf[t]! >= 0) {
        const v = placedValue(d);
        if (v === -Infinity) return -Infinity;
        if (objective === Objective.MaxUtilization) {
          utilization = Math.max(utilization, -v);
        } else value += v;
        continue;
      }
      if (objective === Objective.MaxUtilization) continue;
      openValue(d);
      if (openApart === -Infinity) return -Infinity;
      value += openApart;
      if (openExtra > 0 && s !== t) extras[extraCount++] = openExtra;
    }
    if (objective === Objective.MaxUtilization) {
      utilization = Math.max(utilization, cutUtilization(interHost));
      value = -utilization;
    } else {
      // the largest `room` of what co-location adds (ascending sort: from the end)
      const sorted = extras.subarray(0, extraCount).sort();
      const room = Math.max(0, mostColocated - colocated);
      for (let i = 0; i < Math.min(room, extraCount); i++) value += sorted[extraCount - 1 - i]!;
    }
    let rest = 0;
    for (let v = 0; v < V; v++) if (hostOf[v]! < 0) rest += cheapest[v]!;
    return value - penalty - rest;
  };

  // routing state (per complete mapping)
  const load = new Float64Array(net.E);
  const routes: Array<Int32Array | null> = new Array<Int32Array | null>(D).fill(null);
  /** Whether every link of a path has room for m more Mbit/s. */
  const pathFits = (edges: Int32Array, m: number): boolean => {
    for (const e of edges) if (!fitsWithin(load[e]! + m, net.bw[e]!)) return false;
    return true;
  };
  // the routing bounds' scratch space: each apart demand's bound, and per host and link the first/last-hop counts
  const value = new Float64Array(D);
  const groupValue = new Float64Array(H);
  const groupCount = new Int32Array(H);
  const groupSize = new Int32Array(H);
  const groupLeast = new Float64Array(H);
  const onLink = new Int32Array(net.E);
  const extra = new Int32Array(net.E);

  const routeAll = (): void => {
    const apart: number[] = [];
    let fixed = 0;
    for (let d = 0; d < D; d++) {
      const a = hostOf[net.src[d]!]!;
      const b = hostOf[net.dst[d]!]!;
      if (a === b) {
        routes[d] = new Int32Array(0);
        if (objective === Objective.ResidualBottleneck) fixed += net.localMbps[a]! - localLoad[a]!;
      } else apart.push(d);
    }
    // interchangeable demands next to each other; then the fewest choices first
    const key = new Map(apart.map((d) => [d, `${hostOf[net.src[d]!]} ${hostOf[net.dst[d]!]} ${net.mbps[d]} ${net.maxLatencyMs[d]}`]));
    const choices = (d: number): SimplePath[] => usable[d]![hostOf[net.src[d]!]! * H + hostOf[net.dst[d]!]!]!;
    apart.sort((x, y) => choices(x).length - choices(y).length || net.mbps[y]! - net.mbps[x]! || (key.get(x)! < key.get(y)! ? -1 : key.get(x)! > key.get(y)! ? 1 : 0));
    const sameAsPrevious = apart.map((d, i) => i > 0 && key.get(apart[i - 1]!) === key.get(d));
    const pick = new Int32Array(apart.length);
    // co-located demands add their (residual-bottleneck) worth; under the other objectives they cost nothing
    const base = fixed - penalty;
    const cutFloor = objective === Objective.MaxUtilization ? cutUtilization(apart) : 0;
    if (cutFloor === Infinity) return;
    /**
     * Residual-bottleneck: every apart demand leaves its source host over one of its links (or enters its
     * destination over one), and is worth at most that link's final residual. With R_e routed demands on link e,
     * residual ρ_e now, and n_e of the host's n unrouted demands (the smallest μ Mbit/s) added to it, the link's
     * demands are worth at most (R_e + n_e)(ρ_e − n_e μ), concave in n_e, so that allocating the n demands one at a
     * time to the link that gains most maximises the sum. Per host, the smaller of that and the demands' own bounds.
     */
    const hopBound = (k: number, out: boolean): number => {
      groupValue.fill(0);
      groupCount.fill(0);
      groupSize.fill(0);
      groupLeast.fill(Infinity);
      let total = 0;
      for (let i = 0; i < apart.length; i++) {
        const d = apart[i]!;
        const h = hostOf[out ? net.src[d]! : net.dst[d]!]!;
        groupValue[h]! += value[i]!;
        groupSize[h]!++;
        if (i < k) {
          const edges = routes[d]!;
          onLink[out ? edges[0]! : edges[edges.length - 1]!]!++;
        } else {
          groupCount[h]!++;
          groupLeast[h] = Math.min(groupLeast[h]!, net.mbps[d]!);
        }
      }
      for (let h = 0; h < H; h++) {
        if (groupSize[h] === 0) continue;
        const links = out ? net.out[h]! : net.into[h]!;
        const mu = groupLeast[h] === Infinity ? 0 : groupLeast[h]!;
        // worth of link e with n more: (R_e + n)(ρ_e − n μ); the gain of one more is ρ_e − R_e μ − (2n + 1) μ
        for (let n = 0; n < groupCount[h]!; n++) {
          let pick = -1;
          let gain = -Infinity;
          for (const e of links) {
            const g = net.bw[e]! - load[e]! - onLink[e]! * mu - (2 * extra[e]! + 1) * mu;
            if (g > gain) {
              gain = g;
              pick = e;
            }
          }
          if (pick < 0) break;
          extra[pick]!++;
        }
        let hop = 0;
        for (const e of links) hop += (onLink[e]! + extra[e]!) * (net.bw[e]! - load[e]! - extra[e]! * mu);
        total += Math.min(groupValue[h]!, hop);
        for (const e of links) {
          extra[e] = 0;
          onLink[e] = 0;
        }
      }
      return total;
    };

    const bound = (k: number): number => {
      if (objective === Objective.ResidualBottleneck) {
        let each = 0;
        for (let i = 0; i < apart.length; i++) {
          const d = apart[i]!;
          const m = net.mbps[d]!;
          if (i < k) {
            let r = Infinity;
            for (const e of routes[d]!) r = Math.min(r, net.bw[e]! - load[e]!);
            value[i] = r;
            each += r;
            continue;
          }
          let best = -Infinity;
          for (const p of choices(d)) {
            if (!pathFits(p.edges, m)) continue;
            let r = Infinity;
            for (const e of p.edges) r = Math.min(r, net.bw[e]! - load[e]! - m);
            best = Math.max(best, r);
          }
          if (best === -Infinity) return -Infinity;
          value[i] = best;
          each += best;
        }
        return base + Math.min(each, hopBound(k, true), hopBound(k, false));
      }
      if (objective === Objective.TrafficCost) {
        let cost = 0;
        for (let i = 0; i < apart.length; i++) {
          const d = apart[i]!;
          if (i < k) {
            for (const e of routes[d]!) cost += net.mbps[d]! * net.latencyMs[e]!;
            continue;
          }
          let best = Infinity;
          for (const p of choices(d)) if (pathFits(p.edges, net.mbps[d]!)) best = Math.min(best, p.latencyMs);
          if (best === Infinity) return -Infinity;
          cost += net.mbps[d]! * best;
        }
        return base - cost;
      }
      let u = k === apart.length ? 0 : cutFloor;
      for (let e = 0; e < net.E; e++) if (load[e]! > 0) u = Math.max(u, load[e]! / net.bw[e]!);
      for (let i = k; i < apart.length; i++) {
        const d = apart[i]!;
        const m = net.mbps[d]!;
        let best = Infinity;
        for (const p of choices(d)) {
          if (!pathFits(p.edges, m)) continue;
          let worst = 0;
          for (const e of p.edges) if (load[e]! + m > 0) worst = Math.max(worst, (load[e]! + m) / net.bw[e]!);
          best = Math.min(best, worst);
        }
        if (best === Infinity) return -Infinity;
        u = Math.max(u, best);
      }
      return base - u;
    };

    const visit = (k: number): void => {
      if (tick()) return;
      const b = bound(k);
      if (b === -Infinity || !beats(b)) return;
      if (k === apart.length) {
        // the bound of a complete routing is its exact gain
        bestGain = b;
        bestMapping = hostOf.slice();
        bestRoutes = routes.slice();
        return;
      }
      const d = apart[k]!;
      const m = net.mbps[d]!;
      const list = choices(d);
      for (let i = sameAsPrevious[k] ? pick[k - 1]! : 0; i < list.length; i++) {
        const p = list[i]!;
        if (!pathFits(p.edges, m)) continue;
        for (const e of p.edges) load[e]! += m;
        routes[d] = p.edges;
        pick[k] = i;
        visit(k + 1);
        for (const e of p.edges) load[e]! -= m;
        routes[d] = null;
        if (stopped) return;
      }
    };
    visit(0);
  };

  const place = (i: number): void => {
    if (tick()) return;
    if (i === V) {
      routeAll();
      return;
    }
    const b = mappingBound();
    if (b === -Infinity || !beats(b)) return;
    const v = order[i]!;
    const lowest = previousTwin[v]! >= 0 ? hostOf[previousTwin[v]!]! : 0;
    // hosts where v's placed partners are first: good plans early
    const hosts = net.candidates[v]!.filter((h) => h >= lowest);
    const pull = new Float64Array(H);
    for (const d of net.incident[v]!) {
      const other = partnerOf(net, d, v);
      if (hostOf[other]! >= 0) pull[hostOf[other]!]! += net.mbps[d]!;
    }
    hosts.sort((x, y) => pull[y]! - pull[x]! || (x === net.current[v] ? -1 : y === net.current[v] ? 1 : x - y));
    for (const h of hosts) {
      if (!fitsWithin(cpuUsed[h]! + net.cpu[v]!, net.cpuCap[h]!) || !fitsWithin(memUsed[h]! + net.mem[v]!, net.memCap[h]!)) continue;
      const moved = net.current[v]! >= 0 && net.current[v] !== h ? 1 : 0;
      if (maxMoves !== null && moves + moved > maxMoves) continue;
      // the demands v now shares h with (and its own)
      let addLoad = 0;
      let addColocated = 0;
      for (const d of net.incident[v]!) {
        const other = partnerOf(net, d, v);
        if (other === v || hostOf[other] === h) {
          addLoad += net.mbps[d]!;
          if (other !== v) addColocated++;
        }
      }
      if (!fitsWithin(localLoad[h]! + addLoad, net.localMbps[h]!)) continue;
      hostOf[v] = h;
      cpuUsed[h]! += net.cpu[v]!;
      memUsed[h]! += net.mem[v]!;
      localLoad[h]! += addLoad;
      colocated += addColocated;
      moves += moved;
      const cost = weight * net.moveSeconds[v * H + h]!;
      penalty += cost;
      place(i + 1);
      penalty -= cost;
      moves -= moved;
      colocated -= addColocated;
      localLoad[h]! -= addLoad;
      memUsed[h]! -= net.mem[v]!;
      cpuUsed[h]! -= net.cpu[v]!;
      hostOf[v] = -1;
      if (stopped) return;
    }
  };
  place(0);

  const found = bestMapping as Int32Array | null;
  let plan: Plan | null = start;
  if (found !== null) {
    plan = new Plan(net);
    found.forEach((h, v) => plan!.place(v, h));
    bestRoutes.forEach((edges, d) => plan!.setRoute(d, edges === null ? [] : Array.from(edges)));
  }
  if (stopped) return { kind: "limit", plan, nodes };
  return plan === null ? { kind: "infeasible", nodes } : { kind: "optimal", plan, nodes };
}
