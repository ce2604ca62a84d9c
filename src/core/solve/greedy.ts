/**
 * The greedy heuristic of VADAPT (Sundararaj, Sanghi, Lange & Dinda, "Hardness of approximation and greedy
 * algorithms for the adaptation problem in virtual environments", ICAC'06; tech report NWU-EECS-06-06):
 *
 * 1. order the VMs by communication demand (the sum of the Mbit/s of their demands, in and out), VMs that can run
 *    on one host only first;
 * 2. order the hosts by connectivity (the sum of the bandwidths of their links, in and out);
 * 3. map each VM in turn to a host with room (cpu, memory), respecting pins, allowed sets and `maxMigrations`:
 *    the host holding most of its traffic with VMs already mapped, then its current host, then the best-connected
 *    host, skipping hosts from which a demand with an already-mapped VM could not be routed even on the empty
 *    network (bandwidth, latency bound, local bandwidth). (The paper maps one VM per host; with several VMs per
 *    host, co-locating talkers is the greedy choice.)
 * 4. route the demands in decreasing Mbit/s, each along the widest path of residual bandwidth (adapted Dijkstra)
 *    that has room for it and meets its latency bound; co-located demands use the host's local bandwidth.
 *
 * It does not search: when a step finds no room the answer names the constraint that stopped it.
 */
import { Constraint, fitsWithin, type Violation } from "../model/problem.js";
import { unroutable } from "./infeasibility.js";
import type { Net } from "./net.js";
import { Plan } from "./plan.js";
import { widestPath, widestWidths } from "./widest-path.js";

export type GreedyOutcome = { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly violations: Violation[] };

/** Builds a complete feasible plan greedily, or says which constraint stopped it. */
export function greedyPlan(net: Net): GreedyOutcome {
  const plan = new Plan(net);
  const demandOf = new Float64Array(net.V);
  for (let d = 0; d < net.D; d++) {
    demandOf[net.src[d]!]! += net.mbps[d]!;
    demandOf[net.dst[d]!]! += net.mbps[d]!;
  }
  const connectivity = new Float64Array(net.H);
  for (let e = 0; e < net.E; e++) {
    connectivity[net.from[e]!]! += net.bw[e]!;
    connectivity[net.to[e]!]! += net.bw[e]!;
  }
  const hostRank = new Int32Array(net.H);
  Array.from({ length: net.H }, (_, h) => h)
    .sort((a, b) => connectivity[b]! - connectivity[a]! || a - b)
    .forEach((h, rank) => (hostRank[h] = rank));
  const vmOrder = Array.from({ length: net.V }, (_, v) => v).sort((a, b) => {
    const fa = net.candidates[a]!.length === 1 ? 0 : 1;
    const fb = net.candidates[b]!.length === 1 ? 0 : 1;
    return fa - fb || demandOf[b]! - demandOf[a]! || a - b;
  });

  const affinity = new Float64Array(net.H);
  /** Co-located Mbit/s per host implied by the mapping so far. */
  const localPlanned = new Float64Array(net.H);
  const widths = new Map<number, Float64Array>();
  /** Whether demand d could be routed between hosts a and b on the empty network (a look-ahead for the mapping). */
  const routable = (d: number, a: number, b: number): boolean => {
    if (a === b) return fitsWithin(localPlanned[a]! + net.mbps[d]!, net.localMbps[a]!);
    if (net.maxLatencyMs[d] !== Infinity) return widestPath(net, a, b, net.bw, { minMbps: net.mbps[d]!, maxLatencyMs: net.maxLatencyMs[d]! }) !== null;
    let w = widths.get(a);
    if (w === undefined) {
      w = widestWidths(net, a, net.bw);
      widths.set(a, w);
    }
    return w[b]! >= net.mbps[d]!;
  };
  /** Whether every demand between v (put on h) and a VM already mapped could still be routed. */
  const lookahead = (v: number, h: number): boolean => {
    for (const d of net.incident[v]!) {
      const s = net.src[d] === v ? h : plan.hostOf[net.src[d]!]!;
      const t = net.dst[d] === v ? h : plan.hostOf[net.dst[d]!]!;
      if (s >= 0 && t >= 0 && !routable(d, s, t)) return false;
    }
    return true;
  };
  for (const v of vmOrder) {
    for (const d of net.incident[v]!) {
      const other = net.src[d] === v ? net.dst[d]! : net.src[d]!;
      const h = plan.hostOf[other]!;
      if (h >= 0) affinity[h]! += net.mbps[d]!;
    }
    const cur = net.current[v]!;
    // most traffic with mapped VMs, then staying put, then connectivity; the first whose demands stay routable
    const open = net.candidates[v]!
      .filter((h) => plan.fits(v, h) && plan.withinMigrationBudget(v, h))
      .sort((a, b) => affinity[b]! - affinity[a]! || (b === cur ? 1 : 0) - (a === cur ? 1 : 0) || hostRank[a]! - hostRank[b]!);
    for (const d of net.incident[v]!) {
      const other = net.src[d] === v ? net.dst[d]! : net.src[d]!;
      const h = plan.hostOf[other]!;
      if (h >= 0) affinity[h] = 0;
    }
    const best = open.find((h) => lookahead(v, h)) ?? open[0];
    if (best === undefined) return { ok: false, violations: [noRoom(net, plan, v)] };
    plan.place(v, best);
    for (const d of net.incident[v]!) if (plan.hostOf[net.src[d]!] === best && plan.hostOf[net.dst[d]!] === best) localPlanned[best]! += net.mbps[d]!;
  }

  const demandOrder = Array.from({ length: net.D }, (_, d) => d).sort((a, b) => net.mbps[b]! - net.mbps[a]! || a - b);
  for (const d of demandOrder) {
    if (plan.routeWidest(d)) continue;
    const a = plan.hostOf[net.src[d]!]!;
    const b = plan.hostOf[net.dst[d]!]!;
    const name = `demand ${d} (${net.vmIds[net.src[d]!]} -> ${net.vmIds[net.dst[d]!]}, ${net.mbps[d]} Mbit/s)`;
    const why: Violation =
      a === b
        ? { constraint: Constraint.LocalBandwidth, message: `${name}: host '${net.hostIds[a]}' has no local bandwidth left for it` }
        : unroutable(net, d, a, b, name, plan.residual);
    return { ok: false, violations: [why] };
  }
  return { ok: true, plan };
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
