/**
 * The greedy heuristic of VADAPT (Sundararaj, Sanghi, Lange & Dinda, "Hardness of approximation and greedy
 * algorithms for the adaptation problem in virtual environments", ICAC'06; tech report NWU-EECS-06-06):
 *
 * 1. order the VMs by communication demand (the sum of the Mbit/s of their demands, in and out), VMs that can run
 *    on one host only first; then let clusters grow: the next VM is the one with the most Mbit/s to VMs already
 *    mapped, the most demanding one left when none talks to a mapped VM (so that talkers land together); under
 *    residual-bottleneck, which gains about as much from every co-located demand, hosts are filled one at a time
 *    with a one-step look-ahead ({@link growingOrder});
 * 2. order the hosts by connectivity (the sum of their widest-path bandwidths to all other hosts);
 * 3. map each VM in turn to a host with room (cpu, memory), respecting pins, allowed sets and `maxMigrations`:
 *    the host holding most of its traffic with VMs already mapped, then (when migrations are bounded or
 *    penalised) its current host, then the host nearest to its heaviest mapped partner (widest path left, then
 *    least latency), then the best-connected host; skipping hosts from which a demand with an already-mapped VM
 *    could not be routed given the demands already tentatively routed (bandwidth, latency bound, local
 *    bandwidth). (The paper maps one VM per host; with several VMs per host, co-locating talkers is the greedy
 *    choice.)
 * 4. route the demands in decreasing Mbit/s, each along the widest path of residual bandwidth (adapted Dijkstra)
 *    that has room for it and meets its latency bound (under traffic-cost, which pays for latency, the
 *    least-latency such path); co-located demands use the host's local bandwidth. A demand
 *    that finds no room is repaired by moving one of its VMs (to a partner's host, or one of the hosts with room
 *    nearest to the other VM) when all of that VM's demands can then be routed.
 *
 * When the first pass fails it maps again largest VMs first, each to the host it fills best (best-fit
 * decreasing). With a migration budget the first pass may spend the budget early and leave a later VM no room;
 * the heuristic then maps again with room *reserved* on each host for the unmapped VMs running there (so every VM
 * can always stay), and finally tries the current placement itself (new VMs mapped greedily) with a bounded
 * search over candidate routes. Hence a current placement that fits and routes is never answered as infeasible.
 * When every pass fails the answer names the constraint that stopped the first.
 */
import { Constraint, fitsWithin, maximizes, Objective, type Violation } from "../model/problem.js";
import { unroutedViolation } from "./infeasibility.js";
import { kShortestPaths } from "./k-shortest.js";
import { partnerOf, type Net } from "./net.js";
import { MinHeap } from "./heap.js";
import { placementSearchApplies, surrogateValue } from "./placement-search.js";
import { Plan } from "./plan.js";
import { bisectionMapping, hostTree } from "./recursive-bisection.js";
import { leastLatencies, widestPath, widestWidths } from "./widest-path.js";

export type GreedyOutcome = { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly violations: Violation[] };

/**
 * How a pass maps VMs: freely, growing clusters; largest first, each to the host it fills best among those with
 * most traffic to it (best-fit decreasing, for tight packings);
 * with room reserved for VMs that may yet stay; or leaving VMs where they run.
 */
const MapMode = { Free: "free", Pack: "pack", Reserve: "reserve", Stay: "stay" } as const;
type MapMode = (typeof MapMode)[keyof typeof MapMode];

/** Builds a complete feasible plan greedily, or says which constraint stopped it. */
export function greedyPlan(net: Net): GreedyOutcome {
  const hostRank = hostRanks(net);
  const first = greedyPass(net, MapMode.Free, hostRank);
  const split = bisectionPlan(net, hostRank);
  if (split !== null && (!first.ok || better(net, split, first.plan))) return { ok: true, plan: split };
  if (first.ok) return first;
  const modes: MapMode[] = [MapMode.Pack];
  if (net.current.some((h) => h >= 0)) modes.push(...(net.instance.maxMigrations !== null ? [MapMode.Reserve, MapMode.Stay] : [MapMode.Stay]));
  for (const mode of modes) {
    const r = greedyPass(net, mode, hostRank);
    if (r.ok) return r;
  }
  return first;
}

/** Whether plan `a` scores better than plan `b` under the net's objective. */
function better(net: Net, a: Plan, b: Plan): boolean {
  return maximizes(net.objective) ? a.score() > b.score() : a.score() < b.score();
}

/** Mappings tried by {@link bisectionPlan}, the best by the placement search's surrogate routed. */
const BISECTION_VARIANTS = 4;

/**
 * The plan of the dual recursive bipartitioning mapping (recursive-bisection.ts) over the best-connected hosts
 * that hold every VM's cpu and memory, routed as greedy routes; null when it does not apply (pins, allowed hosts,
 * hosts a VM cannot use, a migration budget or penalty, which it does not see) or its mapping does not fit or
 * route. Where the placement search's surrogate exists, {@link BISECTION_VARIANTS} mappings are made and the best by
 * the surrogate is routed.
 */
export function bisectionPlan(net: Net, hostRank: Int32Array = hostRanks(net)): Plan | null {
  if (net.V < 2 || net.instance.maxMigrations !== null || net.instance.migrationWeight !== 0) return null;
  let cpu = 0;
  let mem = 0;
  for (let v = 0; v < net.V; v++) {
    cpu += net.cpu[v]!;
    mem += net.mem[v]!;
  }
  const hosts: number[] = [];
  let cpuRoom = 0;
  let memRoom = 0;
  for (const h of Array.from({ length: net.H }, (_, i) => i).sort((a, b) => hostRank[a]! - hostRank[b]!)) {
    if (fitsWithin(cpu, cpuRoom) && fitsWithin(mem, memRoom)) break;
    hosts.push(h);
    cpuRoom += net.cpuCap[h]!;
    memRoom += net.memCap[h]!;
  }
  if (hosts.length < 2 || !fitsWithin(cpu, cpuRoom) || !fitsWithin(mem, memRoom)) return null;
  const usable = new Uint8Array(net.H);
  for (let v = 0; v < net.V; v++) {
    for (const h of net.candidates[v]!) usable[h] = 1;
    if (hosts.some((h) => usable[h] !== 1)) return null;
    usable.fill(0);
  }
  const tree = hostTree(net, hosts);
  const weight = coLocationPull(net);
  let best: Int32Array | null = null;
  let bestValue = -Infinity;
  const variants = placementSearchApplies(net) ? BISECTION_VARIANTS : 1;
  for (let variant = 0; variant < variants; variant++) {
    const mapping = bisectionMapping(net, tree, weight, variant);
    if (mapping === null) continue;
    const value = variants > 1 ? surrogateValue(net, mapping) : 0;
    if (value > bestValue) {
      best = mapping;
      bestValue = value;
    }
  }
  // routed without repairs: a mapping that needs VMs moved to route is left to greedy's own (repairs there cost
  // path searches per host tried, seconds on heavily loaded instances)
  return best === null ? null : routedPlan(net, best, false);
}

/**
 * Host ranks by connectivity (0 = best connected): the sum over the other hosts of the widest-path bandwidth to
 * them (ICAC'06 ranks by the bandwidth of a host's links; the widest paths also see a bottleneck further away,
 * such as a site's LAN hosts behind a slow wide-area link).
 */
function hostRanks(net: Net): Int32Array {
  const connectivity = new Float64Array(net.H);
  for (let h = 0; h < net.H; h++) {
    const w = widestWidths(net, h, net.bw);
    for (let k = 0; k < net.H; k++) if (k !== h) connectivity[h]! += w[k]!;
  }
  const rank = new Int32Array(net.H);
  Array.from({ length: net.H }, (_, h) => h)
    .sort((a, b) => connectivity[b]! - connectivity[a]! || a - b)
    .forEach((h, r) => (rank[h] = r));
  return rank;
}

/**
 * What co-locating each demand is worth to the objective, for growing clusters and choosing hosts: under
 * residual-bottleneck every co-located demand gains about the same (the host's localMbps less its co-located load,
 * against a link's width less its load apart), so demands count one each; under the other objectives, the Mbit/s
 * taken off the links.
 */
function coLocationPull(net: Net): Float64Array {
  return net.objective === Objective.ResidualBottleneck ? new Float64Array(net.D).fill(1) : net.mbps;
}

/** The VM's current host when it may stay there, else −1. */
function stayHost(net: Net, v: number): number {
  const cur = net.current[v]!;
  return cur >= 0 && net.candidates[v]!.includes(cur) ? cur : -1;
}

function greedyPass(net: Net, mode: MapMode, hostRank: Int32Array): GreedyOutcome {
  const plan = new Plan(net);
  const stays = Int32Array.from({ length: net.V }, (_, v) => stayHost(net, v));
  const pull = coLocationPull(net);
  const demandOf = new Float64Array(net.V);
  for (let d = 0; d < net.D; d++) {
    demandOf[net.src[d]!]! += net.mbps[d]!;
    demandOf[net.dst[d]!]! += net.mbps[d]!;
  }
  /** 0: one candidate host; 1: staying (Stay mode); 2: the rest, mapped as the clusters grow. */
  const tier = (v: number): number => (net.candidates[v]!.length === 1 ? 0 : mode === MapMode.Stay && stays[v]! >= 0 ? 1 : 2);
  const maxCpu = Math.max(...net.cpuCap);
  const maxMem = Math.max(...net.memCap);
  const size = (v: number): number => net.cpu[v]! / maxCpu + net.mem[v]! / maxMem;
  const vmOrder = Array.from({ length: net.V }, (_, v) => v).sort(
    (a, b) => tier(a) - tier(b) || (mode === MapMode.Pack ? size(b) - size(a) : 0) || demandOf[b]! - demandOf[a]! || a - b,
  );
  let next = 0;
  const nextVm = mode === MapMode.Pack ? (): number => (next < vmOrder.length ? vmOrder[next++]! : -1) : growingOrder(net, plan, vmOrder, tier, pull);

  // room reserved on each host for the unmapped VMs that may stay on it (Reserve and Stay modes)
  const reservedCpu = new Float64Array(net.H);
  const reservedMem = new Float64Array(net.H);
  if (mode !== MapMode.Free) {
    for (let v = 0; v < net.V; v++) {
      const h = stays[v]!;
      if (h < 0) continue;
      reservedCpu[h]! += net.cpu[v]!;
      reservedMem[h]! += net.mem[v]!;
    }
  }
  const hasRoom = (v: number, h: number): boolean =>
    h === stays[v]!
      ? plan.fits(v, h)
      : fitsWithin(plan.cpuUsed[h]! + reservedCpu[h]! + net.cpu[v]!, net.cpuCap[h]!) &&
        fitsWithin(plan.memUsed[h]! + reservedMem[h]! + net.mem[v]!, net.memCap[h]!);

  const migrationsCost = net.instance.maxMigrations !== null || net.instance.migrationWeight > 0;
  const affinity = new Float64Array(net.H);
  /** Co-located Mbit/s per host implied by the mapping so far. */
  const localPlanned = new Float64Array(net.H);
  /** Residual bandwidth once the demands between mapped VMs are tentatively routed (widest paths). */
  const residualPlanned = net.bw.slice();
  /**
   * The look-ahead: tentatively routes every demand between v (to be put on h) and a VM already mapped, in turn,
   * along widest paths of the tentative residuals (co-located ones on h's local bandwidth). Keeps them and returns
   * true when all fit; otherwise undoes them and returns false, or with `partial` keeps those that fit.
   */
  const planDemands = (v: number, h: number, partial = false): boolean => {
    /** Values overwritten, to restore exactly: (index, value) of localPlanned (index < 0: ~host) or residualPlanned. */
    const saved: number[] = [];
    let ok = true;
    for (const d of net.incident[v]!) {
      const a = net.src[d] === v ? h : plan.hostOf[net.src[d]!]!;
      const b = net.dst[d] === v ? h : plan.hostOf[net.dst[d]!]!;
      if (a < 0 || b < 0) continue;
      const m = net.mbps[d]!;
      if (a === b) {
        if (fitsWithin(localPlanned[a]! + m, net.localMbps[a]!)) {
          saved.push(~a, localPlanned[a]!);
          localPlanned[a]! += m;
          continue;
        }
      } else {
        const r = widestPath(net, a, b, residualPlanned, { minMbps: m, maxLatencyMs: net.maxLatencyMs[d]! });
        if (r !== null) {
          for (const e of r.edges) {
            saved.push(e, residualPlanned[e]!);
            residualPlanned[e]! -= m;
          }
          continue;
        }
      }
      ok = false;
      if (!partial) break;
    }
    if (!ok && !partial) {
      for (let i = saved.length - 2; i >= 0; i -= 2) {
        const at = saved[i]!;
        if (at < 0) localPlanned[~at] = saved[i + 1]!;
        else residualPlanned[at] = saved[i + 1]!;
      }
    }
    return ok;
  };
  /** Least latencies from each host, computed when first needed (they do not change). */
  const latencies: Array<Float64Array | undefined> = new Array<Float64Array | undefined>(net.H);
  /**
   * From the host of v's heaviest mapped partner to every host: the widest-path bandwidth left by the tentative
   * routes, and the least latency (null when no partner is mapped).
   */
  const nearness = (v: number): { width: Float64Array; latency: Float64Array } | null => {
    let anchor = -1;
    let most = 0;
    for (const d of net.incident[v]!) {
      const h = plan.hostOf[partnerOf(net, d, v)]!;
      if (h >= 0 && net.mbps[d]! > most) {
        most = net.mbps[d]!;
        anchor = h;
      }
    }
    if (anchor < 0) return null;
    let latency = latencies[anchor];
    if (latency === undefined) latency = latencies[anchor] = leastLatencies(net, anchor);
    return { width: widestWidths(net, anchor, residualPlanned), latency };
  };
  for (let v = nextVm(); v >= 0; v = nextVm()) {
    const stay = stays[v]!;
    let open: number[];
    let order: ((a: number, b: number) => number) | null = null;
    if (mode === MapMode.Stay && stay >= 0) {
      open = hasRoom(v, stay) ? [stay] : [];
    } else {
      for (const d of net.incident[v]!) {
        const other = partnerOf(net, d, v);
        const h = plan.hostOf[other]!;
        if (h >= 0) affinity[h]! += pull[d]!;
      }
      // most traffic with mapped VMs, then staying put (when moving costs), then nearness to the heaviest mapped
      // partner (computed only when the first keys tie), then connectivity
      const cur = migrationsCost ? net.current[v]! : -1;
      let near: ReturnType<typeof nearness> | undefined;
      const nearOf = (): ReturnType<typeof nearness> => (near === undefined ? (near = nearness(v)) : near);
      /** Room left on h once v is on it (cpu and memory, relative to the largest host). */
      const left = (h: number): number => (net.cpuCap[h]! - plan.cpuUsed[h]!) / maxCpu + (net.memCap[h]! - plan.memUsed[h]!) / maxMem;
      const nearer = (a: number, b: number): number => {
        const n = nearOf();
        return n === null ? 0 : n.width[b]! - n.width[a]! || n.latency[a]! - n.latency[b]!;
      };
      order = (a, b) =>
        affinity[b]! - affinity[a]! ||
        (b === cur ? 1 : 0) - (a === cur ? 1 : 0) ||
        (mode === MapMode.Pack ? left(a) - left(b) : 0) ||
        nearer(a, b) ||
        hostRank[a]! - hostRank[b]!;
      open = net.candidates[v]!.filter((h) => hasRoom(v, h) && plan.withinMigrationBudget(v, h));
    }
    // the first host in that order whose demands stay routable (tentatively routed there; the full order is only
    // sorted when the first is not), else the first with room (its demands routed as far as they go; routing
    // repairs or reports the rest)
    let best: number | undefined;
    if (open.length > 0) {
      let first = open[0]!;
      // the most affine host first, so that the scan only reaches the later keys on ties
      for (const h of open) if (affinity[h]! > affinity[first]!) first = h;
      if (order !== null) for (const h of open) if (order(h, first) < 0) first = h;
      if (planDemands(v, first)) best = first;
      else {
        if (order !== null) open.sort(order);
        best = open.find((h) => h !== first && planDemands(v, h));
        if (best === undefined) planDemands(v, (best = open[0]!), true);
      }
    }
    if (order !== null) {
      for (const d of net.incident[v]!) {
        const other = partnerOf(net, d, v);
        const h = plan.hostOf[other]!;
        if (h >= 0) affinity[h] = 0;
      }
    }
    if (best === undefined) return { ok: false, violations: [noRoom(net, plan, v)] };
    if (stay >= 0 && mode !== MapMode.Free) {
      reservedCpu[stay]! -= net.cpu[v]!;
      reservedMem[stay]! -= net.mem[v]!;
    }
    plan.place(v, best);
  }

  const mapped = mode === MapMode.Stay ? plan.clone() : null;
  const failed = routeAll(plan);
  if (failed === null) return { ok: true, plan };
  // the repairs may have moved VMs: search the routes of the mapping as it was
  if (mapped !== null && searchRoutes(mapped)) return { ok: true, plan: mapped };
  return { ok: false, violations: [unroutedViolation(plan, failed)] };
}

/**
 * The order in which VMs are mapped: the VMs of `tier` 0 and 1 as `ranked`, then, growing clusters host by host,
 * the unmapped VM that adds most to the host the last VM went to (if it fits there): its pull (`pull`: what
 * co-locating a demand is worth) to the VMs on that host, plus half its pull to unmapped VMs that are themselves
 * pulled to that host (a one-step look-ahead that closes squares and triangles instead of growing lines); then its
 * pull to all mapped VMs; then the fewest unmapped partners (a new cluster starts at the edge of what is mapped).
 * With nothing mapped to talk to, the most demanding VM left starts a cluster. Returns a function giving the next
 * VM (to be mapped before the next call), −1 when all are.
 */
function growingOrder(net: Net, plan: Plan, ranked: readonly number[], tier: (v: number) => number, pull: Float64Array): () => number {
  const toMapped = new Float64Array(net.V);
  const unmappedPartners = new Int32Array(net.V);
  for (let d = 0; d < net.D; d++) {
    if (net.src[d] === net.dst[d]) continue;
    unmappedPartners[net.src[d]!]!++;
    unmappedPartners[net.dst[d]!]!++;
  }
  /** Unmapped VMs with pull to a mapped one, and where each sits in the list (−1: not in it). */
  const frontier: number[] = [];
  const at = new Int32Array(net.V).fill(-1);
  const members: number[][] = Array.from({ length: net.H }, () => []);
  const toHost = new Float64Array(net.V);
  // residual-bottleneck counts co-located demands: fill hosts one by one with the best look-ahead; the other
  // objectives weigh the Mbit/s kept off wide-area links: grow one region by the heaviest pull (measured on
  // bench/solve-scale: traffic-cost 173 k with it, 318 k filling host by host)
  const byHost = net.objective === Objective.ResidualBottleneck;
  let i = 0;
  let last = -1;
  return () => {
    if (last >= 0) {
      members[plan.hostOf[last]!]!.push(last);
      if (at[last]! >= 0) {
        const moved = frontier.pop()!;
        if (moved !== last) {
          frontier[at[last]!] = moved;
          at[moved] = at[last]!;
        }
        at[last] = -1;
      }
      for (const d of net.incident[last]!) {
        const w = partnerOf(net, d, last);
        if (w === last || plan.hostOf[w]! >= 0) continue;
        toMapped[w]! += pull[d]!;
        unmappedPartners[w]!--;
        if (at[w]! < 0) {
          at[w] = frontier.length;
          frontier.push(w);
        }
      }
    }
    if (i < ranked.length && tier(ranked[i]!) < 2) return (last = ranked[i++]!);
    if (frontier.length > 0) {
      const h = last >= 0 ? plan.hostOf[last]! : -1;
      const touched: number[] = [];
      for (const x of h >= 0 ? members[h]! : []) {
        for (const d of net.incident[x]!) {
          const w = partnerOf(net, d, x);
          if (plan.hostOf[w]! >= 0) continue;
          if (toHost[w] === 0) touched.push(w);
          toHost[w]! += pull[d]!;
        }
      }
      let best = -1;
      let bestScore = -Infinity;
      let bestMapped = -Infinity;
      let bestLeft = 0;
      for (const w of frontier) {
        let score = 0;
        if (byHost && h >= 0 && plan.fits(w, h)) {
          score = toHost[w]!;
          for (const d of net.incident[w]!) {
            const x = partnerOf(net, d, w);
            if (x !== w && plan.hostOf[x]! < 0 && toHost[x]! > 0) score += 0.5 * pull[d]!;
          }
        }
        const better =
          score - bestScore || toMapped[w]! - bestMapped || bestLeft - unmappedPartners[w]! || (best < 0 || w < best ? 1 : -1);
        if (better > 0) {
          bestScore = score;
          bestMapped = toMapped[w]!;
          bestLeft = unmappedPartners[w]!;
          best = w;
        }
      }
      for (const w of touched) toHost[w] = 0;
      return (last = best);
    }
    while (i < ranked.length && plan.hostOf[ranked[i]!]! >= 0) i++;
    return i < ranked.length ? (last = ranked[i++]!) : -1;
  };
}

/**
 * A plan of a complete mapping (host per VM, within cpu and memory): every demand routed as the greedy routes
 * (decreasing Mbit/s, widest residual paths, a VM moved to repair a demand with no room unless `repair` is false);
 * null when some demand cannot be routed.
 */
export function routedPlan(net: Net, mapping: Int32Array, repair = true): Plan | null {
  const plan = new Plan(net);
  for (let v = 0; v < net.V; v++) plan.place(v, mapping[v]!);
  return routeAll(plan, repair) === null ? plan : null;
}

/**
 * Routes every demand in decreasing Mbit/s along widest residual paths, repairing a demand that finds no room by
 * moving one of its VMs (unless `repair` is false). Returns the demand it could not route (the plan left partly
 * routed), or null.
 */
function routeAll(plan: Plan, repair = true): number | null {
  const net = plan.net;
  const order = Array.from({ length: net.D }, (_, d) => d).sort((a, b) => net.mbps[b]! - net.mbps[a]! || a - b);
  for (const d of order) {
    if (plan.route[d] !== null || plan.routeDemand(d) || (repair && repairByMove(plan, d))) continue;
    return d;
  }
  return null;
}

/** How many hosts with room a repair tries per VM beyond its partners' hosts (the nearest to the partner). */
const REPAIR_HOSTS = 8;

/** Hosts reachable from `src`, in increasing latency (`src` first). */
function nearestHosts(net: Net, src: number): number[] {
  const dist = leastLatencies(net, src);
  return Array.from({ length: net.H }, (_, h) => h)
    .filter((h) => dist[h]! < Infinity)
    .sort((a, b) => dist[a]! - dist[b]! || a - b);
}

/**
 * Moves the source or the destination VM of the unroutable demand `d` to another host (its partners' hosts first,
 * then the hosts with room nearest, by latency, to the other VM of `d`) where it fits within the migration budget and all of its routed demands, and
 * `d`, can be routed again. Changes nothing and returns false when no such move exists.
 */
function repairByMove(plan: Plan, d: number): boolean {
  const net = plan.net;
  for (const x of [net.src[d]!, net.dst[d]!]) {
    const mine = net.incident[x]!.filter((k) => k === d || plan.route[k] !== null).sort((a, b) => net.mbps[b]! - net.mbps[a]! || a - b);
    const partner = partnerOf(net, d, x);
    const tried = new Set<number>([plan.hostOf[x]!]);
    const hosts: number[] = [];
    const consider = (h: number): void => {
      if (h < 0 || tried.has(h)) return;
      tried.add(h);
      hosts.push(h);
    };
    for (const k of net.incident[x]!) consider(plan.hostOf[net.src[k] === x ? net.dst[k]! : net.src[k]!]!);
    consider(net.current[x]!);
    const isCandidate = new Set(net.candidates[x]!);
    let extra = 0;
    for (const h of nearestHosts(net, plan.hostOf[partner]!)) {
      if (extra >= REPAIR_HOSTS) break;
      if (!isCandidate.has(h) || tried.has(h) || !plan.fits(x, h)) continue;
      consider(h);
      extra++;
    }
    for (const h of hosts) {
      if (!isCandidate.has(h) || !plan.withinMigrationBudget(x, h)) continue;
      plan.begin();
      for (const k of mine) plan.clearRoute(k);
      plan.unplace(x);
      let ok = plan.fits(x, h);
      if (ok) {
        plan.place(x, h);
        for (const k of mine) if (!(ok = plan.routeDemand(k))) break;
      }
      if (ok) {
        plan.commit();
        return true;
      }
      plan.rollback();
    }
  }
  return false;
}

/** Candidate routes per demand in the bounded search, and the search's budget of tried routes. */
const SEARCH_PATHS = 6;
const SEARCH_BUDGET = 20_000;

/**
 * Routes every demand of a complete mapping by depth-first search over each demand's candidate routes (its
 * widest and its least-latency paths with room, by Yen's algorithm), largest demands first, within a budget of
 * tried routes. Exhaustive on small instances; on success the plan is fully routed, else it is left unrouted.
 */
function searchRoutes(plan: Plan): boolean {
  const net = plan.net;
  for (let d = 0; d < net.D; d++) plan.clearRoute(d);
  const order = Array.from({ length: net.D }, (_, d) => d).sort((a, b) => net.mbps[b]! - net.mbps[a]! || a - b);
  let budget = SEARCH_BUDGET;
  const visit = (i: number): boolean => {
    if (i === order.length) return true;
    const d = order[i]!;
    const a = plan.hostOf[net.src[d]!]!;
    const b = plan.hostOf[net.dst[d]!]!;
    if (a === b) {
      if (!plan.routeWidest(d)) return false;
      if (visit(i + 1)) return true;
      plan.clearRoute(d);
      return false;
    }
    const limits = { minMbps: net.mbps[d]!, maxLatencyMs: net.maxLatencyMs[d]! };
    const options = kShortestPaths(net, a, b, SEARCH_PATHS, plan.residual, limits);
    const widest = widestPath(net, a, b, plan.residual, limits);
    if (widest !== null && !options.some((r) => r.edges.join() === widest.edges.join())) options.unshift(widest);
    for (const r of options) {
      if (budget-- <= 0) return false;
      plan.setRoute(d, r.edges);
      if (visit(i + 1)) return true;
      plan.clearRoute(d);
    }
    return false;
  };
  if (visit(0)) return true;
  for (let d = 0; d < net.D; d++) plan.clearRoute(d);
  return false;
}

/** Why VM `v` found no host: the budget of migrations, or cpu or memory on every candidate. */
function noRoom(net: Net, plan: Plan, v: number): Violation {
  const id = net.vmIds[v];
  const cands = net.candidates[v]!;
  if (cands.some((h) => plan.fits(v, h))) {
    return { constraint: Constraint.MaxMigrations, message: `VM '${id}' has room only on hosts it may not move to: maxMigrations ${net.instance.maxMigrations} used up` };
  }
  const cpuShort = cands.every((h) => plan.cpuUsed[h]! + net.cpu[v]! > net.cpuCap[h]!);
  return cpuShort
    ? { constraint: Constraint.Cpu, message: `VM '${id}' (cpu ${net.cpu[v]}) found no host with cpu to spare among ${cands.length} candidate(s)` }
    : { constraint: Constraint.Memory, message: `VM '${id}' (memMB ${net.mem[v]}) found no host with memory to spare among ${cands.length} candidate(s)` };
}
