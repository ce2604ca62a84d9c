/**
 * A plan under construction: a (partial) mapping and routes, with host usage, link loads and residuals, and the
 * migration count and cost kept up to date, plus a journal so that a tentative change (an annealing move) can be
 * rolled back. Greedy builds one; annealing mutates one.
 */
import { Constraint, fitsWithin, maximizes, Objective, type ObjectiveValues, type Violation } from "../model/problem.js";
import type { Net } from "./net.js";
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

  /** The score oriented so that larger is better. */
  gain(): number {
    return maximizes(this.net.objective) ? this.score() : -this.score();
  }
}
