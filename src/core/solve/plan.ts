/**
 * A plan under construction: a (partial) mapping and routes, with host usage, link loads and residuals, and the
 * migration count and cost kept up to date, plus a journal so that a tentative change (an annealing move) can be
 * rolled back. Greedy builds one; annealing mutates one.
 */
import { Constraint, fitsWithin, maximizes, Objective, type ObjectiveValues, type Violation } from "../model/problem.js";
import type { Net } from "./net.js";
import { kShortestPaths } from "./k-shortest.js";
import { widestPath } from "./widest-path.js";

type Change = { kind: "host"; vm: number; was: number } | { kind: "route"; demand: number; was: readonly number[] | null };

export class Plan {
  readonly net: Net;
  /** Host of each VM, −1 while unmapped. */
  readonly hostOf: Int32Array;
  readonly cpuUsed: Float64Array;
  readonly memUsed: Float64Array;
  /** Load and residual (`bw − load`) per edge. */
  readonly load: Float64Array;
  readonly residual: Float64Array;
  /** Co-located load per host. */
  readonly localLoad: Float64Array;
  /** Route of each demand: its edges (empty when co-located), or null while unrouted. Route arrays are never mutated. */
  readonly route: Array<readonly number[] | null>;
  /** VMs away from their current host, and the seconds to copy them. */
  moved = 0;
  moveSeconds = 0;
  private journal: Change[] | null = null;
  /** The caches behind {@link gain}, built on its first call (a copy starts without them). */
  private fast: FastObjective | null = null;

  constructor(net: Net, copyOf?: Plan) {
    this.net = net;
    if (copyOf !== undefined) {
      this.hostOf = copyOf.hostOf.slice();
      this.cpuUsed = copyOf.cpuUsed.slice();
      this.memUsed = copyOf.memUsed.slice();
      this.load = copyOf.load.slice();
      this.residual = copyOf.residual.slice();
      this.localLoad = copyOf.localLoad.slice();
      this.route = copyOf.route.slice();
      this.moved = copyOf.moved;
      this.moveSeconds = copyOf.moveSeconds;
      return;
    }
    this.hostOf = new Int32Array(net.V).fill(-1);
    this.cpuUsed = new Float64Array(net.H);
    this.memUsed = new Float64Array(net.H);
    this.load = new Float64Array(net.E);
    this.residual = net.bw.slice();
    this.localLoad = new Float64Array(net.H);
    this.route = new Array<readonly number[] | null>(net.D).fill(null);
  }

  /** An independent copy (without the journal). */
  clone(): Plan {
    return new Plan(this.net, this);
  }

  /** Whether VM `v` (currently unmapped) fits on host `h` by cpu and memory. */
  fits(v: number, h: number): boolean {
    const n = this.net;
    return fitsWithin(this.cpuUsed[h]! + n.cpu[v]!, n.cpuCap[h]!) && fitsWithin(this.memUsed[h]! + n.mem[v]!, n.memCap[h]!);
  }

  /** Whether mapping VM `v` to `h` (from where it is) stays within `maxMigrations`. */
  withinMigrationBudget(v: number, h: number): boolean {
    const max = this.net.instance.maxMigrations;
    if (max === null) return true;
    const cur = this.net.current[v]!;
    const wasMoved = cur >= 0 && this.hostOf[v]! >= 0 && this.hostOf[v] !== cur ? 1 : 0;
    const willMove = cur >= 0 && h !== cur ? 1 : 0;
    return this.moved - wasMoved + willMove <= max;
  }

  place(v: number, h: number): void {
    const n = this.net;
    this.journal?.push({ kind: "host", vm: v, was: this.hostOf[v]! });
    this.hostOf[v] = h;
    this.cpuUsed[h]! += n.cpu[v]!;
    this.memUsed[h]! += n.mem[v]!;
    const cur = n.current[v]!;
    if (cur >= 0 && h !== cur) {
      this.moved++;
      this.moveSeconds += n.moveSeconds[v * n.H + h]!;
    }
  }

  unplace(v: number): void {
    const n = this.net;
    const h = this.hostOf[v]!;
    this.journal?.push({ kind: "host", vm: v, was: h });
    this.hostOf[v] = -1;
    this.cpuUsed[h]! -= n.cpu[v]!;
    this.memUsed[h]! -= n.mem[v]!;
    const cur = n.current[v]!;
    if (cur >= 0 && h !== cur) {
      this.moved--;
      this.moveSeconds -= n.moveSeconds[v * n.H + h]!;
    }
  }

  /** Sets demand `d`'s route (its endpoints must be mapped; an empty route means co-located). */
  setRoute(d: number, edges: readonly number[]): void {
    const n = this.net;
    this.journal?.push({ kind: "route", demand: d, was: this.route[d]! });
    this.route[d] = edges;
    const m = n.mbps[d]!;
    if (edges.length === 0) this.localLoad[this.hostOf[n.src[d]!]!]! += m;
    for (const e of edges) {
      this.load[e]! += m;
      this.residual[e]! -= m;
    }
    this.fast?.routed(d, edges, this.hostOf[n.src[d]!]!, 1);
  }

  clearRoute(d: number): void {
    const n = this.net;
    const edges = this.route[d];
    if (edges == null) return;
    this.journal?.push({ kind: "route", demand: d, was: edges });
    this.route[d] = null;
    const m = n.mbps[d]!;
    if (edges.length === 0) this.localLoad[this.hostOf[n.src[d]!]!]! -= m;
    for (const e of edges) {
      this.load[e]! -= m;
      this.residual[e]! += m;
    }
    this.fast?.routed(d, edges, this.hostOf[n.src[d]!]!, -1);
  }

  /**
   * Routes demand `d` between its VMs' hosts: co-located if local bandwidth allows, else along the widest residual
   * path with room for it and within its latency bound. Returns false (and changes nothing) when impossible.
   */
  routeWidest(d: number): boolean {
    const n = this.net;
    const a = this.hostOf[n.src[d]!]!;
    const b = this.hostOf[n.dst[d]!]!;
    if (a === b) {
      if (!fitsWithin(this.localLoad[a]! + n.mbps[d]!, n.localMbps[a]!)) return false;
      this.setRoute(d, []);
      return true;
    }
    const r = widestPath(n, a, b, this.residual, { minMbps: n.mbps[d]!, maxLatencyMs: n.maxLatencyMs[d]! });
    if (r === null) return false;
    this.setRoute(d, r.edges);
    return true;
  }

  /**
   * Routes demand `d` along the least-latency path with room for it and within its latency bound (Yen's first
   * path), co-located on local bandwidth as {@link routeWidest}. Returns false (and changes nothing) when impossible.
   */
  routeShortest(d: number): boolean {
    const n = this.net;
    const a = this.hostOf[n.src[d]!]!;
    const b = this.hostOf[n.dst[d]!]!;
    if (a === b) return this.routeWidest(d);
    const [r] = kShortestPaths(n, a, b, 1, this.residual, { minMbps: n.mbps[d]!, maxLatencyMs: n.maxLatencyMs[d]! });
    if (r === undefined) return false;
    this.setRoute(d, r.edges);
    return true;
  }

  /**
   * Routes demand `d` as its objective prefers: under traffic-cost, which pays for latency, along the least-latency
   * path with room ({@link routeShortest}); otherwise along the widest residual path ({@link routeWidest}).
   */
  routeDemand(d: number): boolean {
    return this.net.objective === Objective.TrafficCost ? this.routeShortest(d) : this.routeWidest(d);
  }

  /** Starts recording changes for {@link rollback}. */
  begin(): void {
    this.journal = [];
  }

  /** Keeps the changes since {@link begin}. */
  commit(): void {
    this.journal = null;
  }

  /** Undoes every change since {@link begin}. */
  rollback(): void {
    const journal = this.journal;
    if (journal === null) return;
    this.journal = null;
    for (let i = journal.length - 1; i >= 0; i--) {
      const c = journal[i]!;
      if (c.kind === "host") {
        if (this.hostOf[c.vm]! >= 0) this.unplace(c.vm);
        if (c.was >= 0) this.place(c.vm, c.was);
      } else {
        this.clearRoute(c.demand);
        if (c.was !== null) this.setRoute(c.demand, c.was);
      }
    }
  }

  /**
   * The solver-side guard: the constraints a complete plan breaks (none for plans built by the moves above; plans
   * read back from an LP solver are checked with it before they are trusted).
   */
  violations(): Violation[] {
    const n = this.net;
    const out: Violation[] = [];
    for (let h = 0; h < n.H; h++) {
      if (!fitsWithin(this.cpuUsed[h]!, n.cpuCap[h]!)) out.push({ constraint: Constraint.Cpu, message: `host '${n.hostIds[h]}' over its cpu` });
      if (!fitsWithin(this.memUsed[h]!, n.memCap[h]!)) out.push({ constraint: Constraint.Memory, message: `host '${n.hostIds[h]}' over its memory` });
      if (!fitsWithin(this.localLoad[h]!, n.localMbps[h]!)) out.push({ constraint: Constraint.LocalBandwidth, message: `host '${n.hostIds[h]}' over its localMbps` });
    }
    for (let e = 0; e < n.E; e++) {
      if (!fitsWithin(this.load[e]!, n.bw[e]!)) out.push({ constraint: Constraint.LinkBandwidth, message: `link ${n.hostIds[n.from[e]!]} -> ${n.hostIds[n.to[e]!]} over its bandwidth` });
    }
    for (let d = 0; d < n.D; d++) {
      let l = 0;
      for (const e of this.route[d]!) l += n.latencyMs[e]!;
      if (!fitsWithin(l, n.maxLatencyMs[d]!)) out.push({ constraint: Constraint.Latency, message: `demand ${d} over its latency bound` });
    }
    const max = n.instance.maxMigrations;
    if (max !== null && this.moved > max) out.push({ constraint: Constraint.MaxMigrations, message: `${this.moved} migrations over ${max}` });
    return out;
  }

  /** All three objectives of the (complete) plan, as the spec defines them. */
  objectives(): ObjectiveValues {
    return {
      [Objective.ResidualBottleneck]: this.objective(Objective.ResidualBottleneck),
      [Objective.TrafficCost]: this.objective(Objective.TrafficCost),
      [Objective.MaxUtilization]: this.objective(Objective.MaxUtilization),
    } as ObjectiveValues;
  }

  /** One objective's value. */
  objective(o: Objective): number {
    const n = this.net;
    if (o === Objective.MaxUtilization) {
      let u = 0;
      for (let e = 0; e < n.E; e++) if (this.load[e]! > 0 && n.bw[e]! > 0) u = Math.max(u, this.load[e]! / n.bw[e]!);
      return u;
    }
    let sum = 0;
    for (let d = 0; d < n.D; d++) {
      const edges = this.route[d]!;
      if (o === Objective.TrafficCost) {
        let l = 0;
        for (const e of edges) l += n.latencyMs[e]!;
        sum += n.mbps[d]! * l;
      } else if (edges.length === 0) {
        const h = this.hostOf[n.src[d]!]!;
        sum += n.localMbps[h]! - this.localLoad[h]!;
      } else {
        let w = Infinity;
        for (const e of edges) w = Math.min(w, this.residual[e]!);
        sum += w;
      }
    }
    return sum;
  }

  /** The optimised objective with the migration penalty (the spec's score). */
  score(): number {
    const n = this.net;
    const w = n.instance.migrationWeight;
    const penalty = w === 0 ? 0 : w * this.moveSeconds;
    const v = this.objective(n.objective);
    return maximizes(n.objective) ? v - penalty : v + penalty;
  }

  /**
   * The score oriented so that larger is better, for the searches: kept up to date incrementally (only the demands
   * on links and hosts whose load changed are revisited), so it may differ from {@link score} by rounding.
   */
  gain(): number {
    const n = this.net;
    this.fast ??= new FastObjective(this);
    const w = n.instance.migrationWeight;
    const penalty = w === 0 ? 0 : w * this.moveSeconds;
    return maximizes(n.objective) ? this.fast.value() - penalty : -(this.fast.value() + penalty);
  }
}

/**
 * The optimised objective of a complete plan, maintained under route changes: residual-bottleneck keeps each
 * demand's value and, per link and per host, the demands routed over it (or co-located on it), and revisits only
 * the demands of links and hosts whose load changed (a link whose residual fell lowers its demands' values to it
 * at most; one whose residual rose recomputes only the demands it was the bottleneck of); traffic-cost keeps its
 * sum; max-utilization rescans the links.
 */
class FastObjective {
  private readonly plan: Plan;
  private readonly onEdge: number[][];
  private readonly onHost: number[][];
  private readonly rb: Float64Array;
  private readonly dirtyEdge: Uint8Array;
  private readonly dirtyHost: Uint8Array;
  private readonly dirtyDemand: Uint8Array;
  private readonly dirty: { edges: number[]; hosts: number[]; demands: number[] } = { edges: [], hosts: [], demands: [] };
  /** Each link's residual when the values were last brought up to date. */
  private readonly seen: Float64Array;
  /** The flush in which each demand was last recomputed. */
  private readonly stamp: Int32Array;
  private flush = 0;
  private sum = 0;

  constructor(plan: Plan) {
    const n = plan.net;
    this.plan = plan;
    this.onEdge = Array.from({ length: n.E }, () => []);
    this.onHost = Array.from({ length: n.H }, () => []);
    this.rb = new Float64Array(n.D);
    this.dirtyEdge = new Uint8Array(n.E);
    this.dirtyHost = new Uint8Array(n.H);
    this.dirtyDemand = new Uint8Array(n.D);
    this.seen = plan.residual.slice();
    this.stamp = new Int32Array(n.D).fill(-1);
    for (let d = 0; d < n.D; d++) {
      const edges = plan.route[d];
      if (edges != null) this.routed(d, edges, plan.hostOf[n.src[d]!]!, 1);
    }
    if (n.objective === Objective.TrafficCost) this.sum = plan.objective(Objective.TrafficCost);
  }

  /** Demand d was routed (`sign` 1) or unrouted (−1) over `edges` (co-located on `host` when empty). */
  routed(d: number, edges: readonly number[], host: number, sign: 1 | -1): void {
    const n = this.plan.net;
    if (n.objective === Objective.TrafficCost) {
      let l = 0;
      for (const e of edges) l += n.latencyMs[e]!;
      this.sum += sign * n.mbps[d]! * l;
      return;
    }
    if (n.objective !== Objective.ResidualBottleneck) return;
    const lists = edges.length === 0 ? [[this.onHost[host]!, host, this.dirtyHost, this.dirty.hosts] as const] : edges.map((e) => [this.onEdge[e]!, e, this.dirtyEdge, this.dirty.edges] as const);
    for (const [list, at, flag, queue] of lists) {
      if (sign === 1) list.push(d);
      else list.splice(list.indexOf(d), 1);
      if (flag[at] === 0) {
        flag[at] = 1;
        queue.push(at);
      }
    }
    if (this.dirtyDemand[d] === 0) {
      this.dirtyDemand[d] = 1;
      this.dirty.demands.push(d);
    }
  }

  value(): number {
    const plan = this.plan;
    const n = plan.net;
    if (n.objective === Objective.TrafficCost) return this.sum;
    if (n.objective === Objective.MaxUtilization) return plan.objective(Objective.MaxUtilization);
    const flush = ++this.flush;
    const set = (d: number, v: number): void => {
      this.sum += v - this.rb[d]!;
      this.rb[d] = v;
    };
    const redo = (d: number): void => {
      if (this.stamp[d] === flush) return;
      this.stamp[d] = flush;
      const edges = plan.route[d];
      let v = 0;
      if (edges != null) {
        if (edges.length === 0) {
          const h = plan.hostOf[n.src[d]!]!;
          v = n.localMbps[h]! - plan.localLoad[h]!;
        } else {
          v = Infinity;
          for (const e of edges) v = Math.min(v, plan.residual[e]!);
        }
      }
      set(d, v);
    };
    for (const d of this.dirty.demands) {
      this.dirtyDemand[d] = 0;
      redo(d);
    }
    for (const h of this.dirty.hosts) {
      this.dirtyHost[h] = 0;
      for (const d of this.onHost[h]!) redo(d);
    }
    for (const e of this.dirty.edges) {
      this.dirtyEdge[e] = 0;
      const now = plan.residual[e]!;
      const was = this.seen[e]!;
      this.seen[e] = now;
      if (now === was) continue;
      for (const d of this.onEdge[e]!) {
        if (this.stamp[d] === flush) continue;
        if (now < was) {
          if (now < this.rb[d]!) set(d, now);
        } else if (this.rb[d]! >= was) {
          redo(d);
        }
      }
    }
    this.dirty.edges.length = 0;
    this.dirty.hosts.length = 0;
    this.dirty.demands.length = 0;
    return this.sum;
  }
}
