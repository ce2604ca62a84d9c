/**
 * Simulated annealing over placements alone, on a surrogate of the objective, before the full annealing
 * (anneal.ts) that routes every move. Rerouting a moved VM's demands costs a few hundred microseconds on a large
 * overlay, so the full annealing affords only thousands of moves per second, too few to regroup a thousand VMs; the
 * surrogate prices a move in the time it takes to touch the moved VMs' demands and their pairs' paths
 * (Kirkpatrick, Gelatt & Vecchi, Science 1983, as ICAC'06 / NWU-EECS-06-06 applies annealing to VADAPT).
 *
 * Each ordered pair of hosts (a, b) gets a static path (the widest over the links' bandwidths for
 * residual-bottleneck, the least-latency one for traffic-cost); its N(a, b) demands of T(a, b) Mbit/s are taken to
 * follow it, which gives every link a load.
 *
 * - residual-bottleneck: a co-located demand is worth `localMbps − T(h, h)` (exact); an apart one the width of its
 *   pair's path less the load on that path's narrowest link (the bottleneck were the links unloaded): the sum is
 *   `Σ N(a, b) · W(a, b) − Σ_e k_e · load_e`, k_e the demands whose narrowest link is e. Exact for a site's LAN
 *   mesh (a host pair per link) and for a LAN host's uplink shared by all its off-site demands; it misses a
 *   bottleneck that load moves to another link. On bench/solve-scale it is within 0.1 % of the routed score at
 *   greedy's plan (29.11 M against 29.09 M).
 * - traffic-cost: `−T(a, b) · Λ(a, b)`, Λ the least latency (exact while least-latency paths have room).
 * - max-utilization has no additive surrogate: the search is not run for it.
 *
 * The migration penalty is added exactly; cpu, memory, local bandwidth and `maxMigrations` are kept, and every
 * link's load within its bandwidth (or, where the start already exceeds it, from growing), so that the mapping
 * routes. Moves: relocate a VM to a communication partner's host or a random candidate, or swap it with a VM there;
 * one move in 20 exchanges everything on two hosts, so that a co-located group moves whole to a better place in the
 * network (on bench/solve-scale, with 6.5 s: residual-bottleneck 29.49 M without, 29.78 M with; traffic-cost
 * 93.3 k against 87.2 k).
 * Metropolis acceptance with exponential cooling from T0 to T0·1e-4 over the budget; T0 accepts the mean change of
 * 200 sampled moves as a worsening with probability 2^-10 (the start is greedy's plan, already good; on
 * bench/solve-scale, accepting it with probability 1/2, 1/32 or 1/2^30 ended 1–25 % worse). The caller routes the
 * best mapping for real and keeps it only when the routed plan is better.
 */
import { fitsWithin, Objective } from "../model/problem.js";
import type { Rng } from "../rng.js";
import { partnerOf, type Net } from "./net.js";
import { leastLatencyTree, widestTree } from "./widest-path.js";

export interface PlacementSearchOptions {
  readonly rng: Rng;
  /** Move budget (the search stops at the budget or the deadline, whichever comes first); default {@link placementIterations}. */
  readonly iterations?: number;
  /** Stop this many milliseconds after the start (needs `clock`). */
  readonly deadlineMs?: number;
  readonly clock?: () => number;
}

const SAMPLE_MOVES = 200;
/** The share of moves that exchange two hosts' VMs. */
const HOST_SWAPS = 0.05;

/** The largest host count searched: the surrogate keeps dense host × host tables. */
export const PLACEMENT_MAX_HOSTS = 2048;

/** Default move budget, with or without a deadline: 1000 per VM (about 10 s at 1024 VMs). */
export function placementIterations(net: Net): number {
  return 1000 * net.V;
}

/** Whether the search applies: an additive surrogate exists, some VM can move, and the tables fit. */
export function placementSearchApplies(net: Net): boolean {
  return net.objective !== Objective.MaxUtilization && net.H <= PLACEMENT_MAX_HOSTS && net.H > 1 && net.candidates.some((c) => c.length > 1);
}

/** The best mapping the search saw, with its surrogate value (larger is better). */
export interface PlacementResult {
  readonly mapping: Int32Array;
  readonly value: number;
}

/** The surrogate value of a complete mapping (larger is better), migration penalty included. */
export function surrogateValue(net: Net, mapping: Int32Array): number {
  return new Surrogate(net, mapping).value;
}

/**
 * Anneals the mapping `start` (host per VM, every VM mapped within cpu, memory and local bandwidth) on the
 * surrogate and returns the best mapping seen (`start` itself when the search does not apply or finds nothing
 * better).
 */
export function searchPlacement(net: Net, start: Int32Array, options: PlacementSearchOptions): PlacementResult {
  if (!placementSearchApplies(net)) return { mapping: start, value: Number.NaN };
  const s = new Surrogate(net, start);
  const { rng, clock } = options;
  const deadlineMs = clock === undefined ? undefined : options.deadlineMs;
  const budget = options.iterations ?? placementIterations(net);
  const started = clock?.() ?? 0;
  const elapsed = (): number => (clock === undefined ? 0 : clock() - started);

  // T0: the mean change of the sampled moves that change anything is accepted as a worsening with probability 2^-10
  let change = 0;
  let nChange = 0;
  for (let i = 0; i < SAMPLE_MOVES; i++) {
    const delta = s.tryMove(rng);
    if (delta === null) continue;
    if (delta !== 0) {
      change += Math.abs(delta);
      nChange++;
    }
    s.undo();
  }
  if (nChange === 0) return { mapping: start, value: s.value };
  const t0 = change / nChange / (10 * Math.LN2);
  const t1 = t0 * 1e-4;
  let current = s.value;
  let best = start;
  let bestValue = current;
  let progress = 0;
  for (let iteration = 0; iteration < budget; iteration++) {
    if ((iteration & 255) === 0) {
      progress = Math.max(iteration / budget, deadlineMs !== undefined ? elapsed() / deadlineMs : 0);
      if (progress >= 1) break;
    }
    const delta = s.tryMove(rng);
    if (delta === null) continue;
    if (delta >= 0 || rng.next() < Math.exp(delta / (t0 * Math.pow(t1 / t0, progress)))) {
      current = s.value;
      if (current > bestValue + 1e-9 * Math.abs(bestValue)) {
        bestValue = current;
        best = s.hostOf.slice();
      }
    } else {
      s.undo();
    }
  }
  return { mapping: best, value: bestValue };
}

/** The host pairs' static paths and what the surrogate reads of them (see {@link Surrogate}); they depend on the net alone. */
interface PathTables {
  readonly width: Float64Array;
  readonly latency: Float64Array | null;
  readonly via: Int32Array;
  readonly narrowest: Int32Array | null;
}

/** Each net's tables, built once (greedy values several mappings, annealing then searches from one). */
const tablesOf = new WeakMap<Net, PathTables>();

function pathTables(net: Net): PathTables {
  const cached = tablesOf.get(net);
  if (cached !== undefined) return cached;
  const H = net.H;
  const tc = net.objective === Objective.TrafficCost;
  const width = new Float64Array(tc ? 0 : H * H);
  const latency = tc ? new Float64Array(H * H) : null;
  const via = new Int32Array(H * H);
  for (let a = 0; a < H; a++) {
    if (latency !== null) {
      const t = leastLatencyTree(net, a);
      latency.set(t.latency, a * H);
      via.set(t.via, a * H);
    } else {
      const t = widestTree(net, a, net.bw);
      width.set(t.width, a * H);
      via.set(t.via, a * H);
    }
  }
  const narrowest = tc ? null : new Int32Array(H * H).fill(-1);
  for (let k = 0; k < H * H && narrowest !== null; k++) {
    const a = (k / H) | 0;
    for (let b = k - a * H, e = via[k]!; b !== a && e >= 0; b = net.from[e]!, e = via[a * H + b]!) {
      const n = narrowest[k]!;
      if (n < 0 || net.bw[e]! <= net.bw[n]!) narrowest[k] = e;
    }
  }
  const tables = { width, latency, via, narrowest };
  tablesOf.set(net, tables);
  return tables;
}

/** The surrogate's state: the mapping, host usage and the host-pair tables, with the last move's undo record. */
class Surrogate {
  readonly hostOf: Int32Array;
  value: number;
  private readonly net: Net;
  private readonly H: number;
  private readonly count: Int32Array;
  private readonly mbps: Float64Array;
  /** W(a, b) (residual-bottleneck; empty under traffic-cost) and Λ(a, b) (traffic-cost only), row a, column b. */
  private readonly width: Float64Array;
  private readonly latency: Float64Array | null;
  /**
   * The static path of each host pair (widest for residual-bottleneck, least-latency for traffic-cost) as the
   * tree edge into b from a (`via[a·H + b]`), and the links' loads were every demand to take its pair's path: kept
   * within bandwidth (or, where the start is already over, from growing), so that the mapping stays routable.
   */
  private readonly via: Int32Array;
  private readonly load: Float64Array;
  private loadCap: Float64Array;
  /**
   * Residual-bottleneck: the narrowest link of each pair's path (its bottleneck were the links unloaded), the
   * demands each link is the bottleneck of, and `shared` = Σ over links of those demands × the link's load: the
   * Mbit/s the demands lose to load on their bottlenecks (theirs and everyone else's).
   */
  private readonly narrowest: Int32Array | null;
  private readonly bottlenecked: Float64Array;
  private shared = 0;
  private readonly cpuUsed: Float64Array;
  private readonly memUsed: Float64Array;
  private readonly candidate: Uint8Array;
  private readonly movable: number[];
  private readonly partners: number[][];
  private readonly byHost: number[][];
  private readonly slot: Int32Array;
  private moved = 0;
  /** The keys touched by a move, deduplicated by stamp. */
  private readonly stamp: Int32Array;
  private epoch = 0;
  private readonly keys: number[] = [];
  /** The last move's relocations as (VM, host it came from) pairs, flat. */
  private readonly undoLog: number[] = [];
  /** The host pairs the last move touched. */
  private readonly moveKeys: number[] = [];
  /** Links the last move may have loaded beyond their cap. */
  private readonly over: number[] = [];

  constructor(net: Net, start: Int32Array) {
    const H = net.H;
    this.net = net;
    this.H = H;
    this.hostOf = start.slice();
    this.count = new Int32Array(H * H);
    this.mbps = new Float64Array(H * H);
    this.stamp = new Int32Array(H * H);
    ({ width: this.width, latency: this.latency, via: this.via, narrowest: this.narrowest } = pathTables(net));
    this.bottlenecked = new Float64Array(net.E);
    this.load = new Float64Array(net.E);
    this.loadCap = new Float64Array(net.E).fill(Infinity);
    this.cpuUsed = new Float64Array(H);
    this.memUsed = new Float64Array(H);
    this.byHost = Array.from({ length: H }, () => []);
    this.slot = new Int32Array(net.V);
    this.candidate = new Uint8Array(net.V * H);
    this.movable = [];
    net.candidates.forEach((hs, v) => {
      for (const h of hs) this.candidate[v * H + h] = 1;
      if (hs.length > 1) this.movable.push(v);
    });
    this.partners = net.incident.map((ds, v) => [...new Set(ds.map((d) => partnerOf(net, d, v)))].filter((w) => w !== v));
    for (let v = 0; v < net.V; v++) {
      const h = this.hostOf[v]!;
      this.cpuUsed[h]! += net.cpu[v]!;
      this.memUsed[h]! += net.mem[v]!;
      this.slot[v] = this.byHost[h]!.length;
      this.byHost[h]!.push(v);
      if (net.current[v]! >= 0 && h !== net.current[v]) this.moved++;
    }
    for (let d = 0; d < net.D; d++) this.add(d, this.hostOf[net.src[d]!]! * H + this.hostOf[net.dst[d]!]!, 1);
    // with fitsWithin's tolerance folded in, so that the hot loop compares directly
    this.loadCap = this.load.map((l, e) => {
      const cap = Math.max(l, net.bw[e]!);
      return cap + 1e-9 * Math.max(1, Math.abs(cap));
    });
    let v = -this.shared;
    for (let k = 0; k < H * H; k++) if (this.count[k]! > 0) v += this.pairValue(k);
    for (let x = 0; x < net.V; x++) v -= this.migrationCost(x, this.hostOf[x]!);
    this.value = v;
  }

  /** The surrogate value of the demands from host a to host b (k = a·H + b), oriented larger-is-better. */
  private pairValue(k: number): number {
    const n = this.count[k]!;
    if (n === 0) return 0;
    const H = this.H;
    const a = (k / H) | 0;
    const b = k - a * H;
    const t = this.mbps[k]!;
    // apart without a path: never kept (the move is undone), valued 0 to keep the sum finite
    if (a !== b && this.via[k]! < 0) return 0;
    if (this.latency === null) return a === b ? n * (this.net.localMbps[a]! - t) : n * this.width[k]!;
    return a === b ? 0 : -t * this.latency[k]!;
  }

  private migrationCost(v: number, h: number): number {
    const w = this.net.instance.migrationWeight;
    return w === 0 ? 0 : w * this.net.moveSeconds[v * this.H + h]!;
  }

  /** Adds (sign 1) or removes (−1) demand d on host pair k and along the pair's path. */
  private add(d: number, k: number, sign: 1 | -1): void {
    const { net, H } = this;
    const m = sign * net.mbps[d]!;
    this.count[k]! += sign;
    this.mbps[k]! += m;
    const a = (k / H) | 0;
    const row = a * H;
    for (let b = k - row, e = this.via[k]!; b !== a && e >= 0; b = net.from[e]!, e = this.via[row + b]!) {
      this.shared += this.bottlenecked[e]! * m;
      this.load[e]! += m;
      if (sign === 1 && this.load[e]! > this.loadCap[e]!) this.over.push(e);
    }
    const n = this.narrowest?.[k] ?? -1;
    if (n >= 0) {
      this.shared += sign * this.load[n]!;
      this.bottlenecked[n]! += sign;
    }
  }

  /** Moves v to h, updating the tables; returns the change of value (before feasibility is checked). */
  private relocate(v: number, h: number, record = true): number {
    const { net, H } = this;
    const a = this.hostOf[v]!;
    if (record) this.undoLog.push(v, a);
    const epoch = ++this.epoch;
    const { keys, stamp, hostOf } = this;
    keys.length = 0;
    const ds = net.incident[v]!;
    for (const d of ds) {
      const s = net.src[d]!;
      const t = net.dst[d]!;
      const k0 = hostOf[s]! * H + hostOf[t]!;
      const k1 = (s === v ? h : hostOf[s]!) * H + (t === v ? h : hostOf[t]!);
      if (stamp[k0] !== epoch) {
        stamp[k0] = epoch;
        keys.push(k0);
      }
      if (stamp[k1] !== epoch) {
        stamp[k1] = epoch;
        keys.push(k1);
      }
    }
    let before = -this.shared;
    for (const k of keys) before += this.pairValue(k);
    for (const d of ds) this.add(d, hostOf[net.src[d]!]! * H + hostOf[net.dst[d]!]!, -1);
    hostOf[v] = h;
    for (const d of ds) this.add(d, hostOf[net.src[d]!]! * H + hostOf[net.dst[d]!]!, 1);
    let after = -this.shared;
    for (const k of keys) after += this.pairValue(k);
    if (record) for (const k of keys) this.moveKeys.push(k);
    this.cpuUsed[a]! -= net.cpu[v]!;
    this.memUsed[a]! -= net.mem[v]!;
    this.cpuUsed[h]! += net.cpu[v]!;
    this.memUsed[h]! += net.mem[v]!;
    const list = this.byHost[a]!;
    const last = list.pop()!;
    if (last !== v) {
      list[this.slot[v]!] = last;
      this.slot[last] = this.slot[v]!;
    }
    this.slot[v] = this.byHost[h]!.length;
    this.byHost[h]!.push(v);
    const cur = net.current[v]!;
    if (cur >= 0) this.moved += (h !== cur ? 1 : 0) - (a !== cur ? 1 : 0);
    const delta = after - before + this.migrationCost(v, a) - this.migrationCost(v, h);
    this.value += delta;
    return delta;
  }

  /**
   * Whether hosts a and b are within cpu, memory and local bandwidth, the host pairs the move touched within their
   * widest path (so that unreachable pairs stay apart), and the migrations within budget.
   */
  private feasible(a: number, b: number): boolean {
    const { net, H } = this;
    for (let i = 0; i < 2; i++) {
      const h = i === 0 ? a : b;
      if (!fitsWithin(this.cpuUsed[h]!, net.cpuCap[h]!) || !fitsWithin(this.memUsed[h]!, net.memCap[h]!)) return false;
      if (!fitsWithin(this.mbps[h * H + h]!, net.localMbps[h]!)) return false;
    }
    for (const k of this.moveKeys) {
      // apart on a pair with no path
      if (this.count[k]! > 0 && k % (H + 1) !== 0 && this.via[k]! < 0) return false;
    }
    for (const e of this.over) if (this.load[e]! > this.loadCap[e]!) return false;
    const max = net.instance.maxMigrations;
    return max === null || this.moved <= max;
  }

  /** Tries one random move; returns its change of value, or null when it was infeasible (and undone). */
  tryMove(rng: Rng): number | null {
    const { H } = this;
    this.undoLog.length = 0;
    this.moveKeys.length = 0;
    this.over.length = 0;
    const v = this.movable[rng.int(this.movable.length)]!;
    const a = this.hostOf[v]!;
    if (rng.next() < HOST_SWAPS) return this.swapHosts(a, this.net.candidates[v]![rng.int(this.net.candidates[v]!.length)]!);
    const partners = this.partners[v]!;
    const r = rng.next();
    let h: number;
    if (partners.length > 0 && r < 0.75) {
      h = this.hostOf[partners[rng.int(partners.length)]!]!;
    } else {
      const cands = this.net.candidates[v]!;
      h = cands[rng.int(cands.length)]!;
    }
    if (h === a || this.candidate[v * H + h] !== 1) return null;
    let delta = 0;
    const room = this.byHost[h]!;
    if ((r < 0.4 || r >= 0.9) && room.length > 0) {
      // swap with a VM on h
      const w = room[rng.int(room.length)]!;
      if (this.candidate[w * H + a] !== 1 || !this.fitsAfter(h, v, w) || !this.fitsAfter(a, w, v)) return null;
      delta += this.relocate(v, h);
      delta += this.relocate(w, a);
    } else {
      if (!this.fitsAfter(h, v, -1)) return null;
      delta += this.relocate(v, h);
    }
    if (!this.feasible(a, h)) {
      this.undo();
      return null;
    }
    return delta;
  }

  /** Whether host h holds its VMs with VM `add` in and VM `remove` (−1: none) out, by cpu and memory. */
  private fitsAfter(h: number, add: number, remove: number): boolean {
    const net = this.net;
    const cpu = this.cpuUsed[h]! + net.cpu[add]! - (remove >= 0 ? net.cpu[remove]! : 0);
    const mem = this.memUsed[h]! + net.mem[add]! - (remove >= 0 ? net.mem[remove]! : 0);
    return fitsWithin(cpu, net.cpuCap[h]!) && fitsWithin(mem, net.memCap[h]!);
  }

  /**
   * Exchanges everything on hosts a and h (their co-located groups move whole: a group finds a better place in the
   * network without being split); null when some VM may not go, or the result is infeasible (undone).
   */
  private swapHosts(a: number, h: number): number | null {
    const { H } = this;
    if (h === a) return null;
    const here = this.byHost[a]!.slice();
    const there = this.byHost[h]!.slice();
    for (const x of here) if (this.candidate[x * H + h] !== 1) return null;
    for (const x of there) if (this.candidate[x * H + a] !== 1) return null;
    const { net } = this;
    if (!fitsWithin(this.cpuUsed[a]!, net.cpuCap[h]!) || !fitsWithin(this.memUsed[a]!, net.memCap[h]!)) return null;
    if (!fitsWithin(this.cpuUsed[h]!, net.cpuCap[a]!) || !fitsWithin(this.memUsed[h]!, net.memCap[a]!)) return null;
    let delta = 0;
    for (const x of here) delta += this.relocate(x, h);
    for (const x of there) delta += this.relocate(x, a);
    if (!this.feasible(a, h)) {
      this.undo();
      return null;
    }
    return delta;
  }

  /** Undoes the last move. */
  undo(): void {
    const log = this.undoLog;
    for (let i = log.length - 2; i >= 0; i -= 2) this.relocate(log[i]!, log[i + 1]!, false);
    log.length = 0;
  }
}
