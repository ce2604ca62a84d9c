/**
 * The traffic-aware baseline, in the style of Meng, Pappas & Zhang, "Improving the scalability of data center
 * networks with traffic-aware virtual machine placement" (INFOCOM 2010): their Cluster-and-Cut minimises
 * Σ traffic(u, v) · cost(host(u), host(v)) by clustering the hosts (slots) by communication cost and cutting the
 * VM traffic graph into groups, one per host cluster, with minimum traffic between the groups, divide-and-conquer.
 *
 * This implementation, for hosts of unequal capacity and VMs of unequal size:
 * - cost(a, b) is the latency of the least-latency path from a to b (plus 10⁻⁶ per hop, so that zero-latency
 *   networks still have structure); traffic(u, v) the Mbit/s of the demands between u and v, both directions;
 * - a host set is split in two clusters around its two farthest hosts (each host joins the nearer one);
 * - the VMs are cut to match: the cluster with more cpu is filled first, growing a group from the VM with the
 *   most traffic by repeatedly adding the VM with the most traffic into the group while the cluster's cpu and
 *   memory allow; then Kernighan-Lin style passes (single moves and swaps, within both clusters' capacities)
 *   lower the traffic across the cut;
 * - recursion stops at single hosts. VMs that do not fit where the cut sent them (bin-packing fragmentation,
 *   pins, allowed sets) are placed afterwards on the open host of least traffic × cost to their placed peers.
 */
import type { Net } from "../solve/net.js";
import type { Plan } from "../solve/plan.js";
import { baselinePlugin, noRoom, openHosts, Routing, type Placer } from "./common.js";

const HOP_COST = 1e-6;
const KL_PASSES = 4;
/** Above this many VMs in a cut, passes try single moves only (swaps are quadratic). */
const SWAP_LIMIT = 400;

/** All-pairs least-latency cost between hosts (Infinity when unreachable). */
export function hostCosts(net: Net): Float64Array {
  const H = net.H;
  const cost = new Float64Array(H * H).fill(Infinity);
  for (let s = 0; s < H; s++) {
    const dist = cost.subarray(s * H, (s + 1) * H);
    const done = new Uint8Array(H);
    dist[s] = 0;
    for (;;) {
      let u = -1;
      for (let h = 0; h < H; h++) if (done[h] === 0 && dist[h]! < Infinity && (u < 0 || dist[h]! < dist[u]!)) u = h;
      if (u < 0) break;
      done[u] = 1;
      for (const e of net.out[u]!) {
        const v = net.to[e]!;
        const c = dist[u]! + net.latencyMs[e]! + HOP_COST;
        if (c < dist[v]!) dist[v] = c;
      }
    }
  }
  return cost;
}

/** Symmetric VM traffic: per VM, its peers and the Mbit/s between them (both directions). */
function trafficGraph(net: Net): Array<Map<number, number>> {
  const adj = Array.from({ length: net.V }, () => new Map<number, number>());
  for (let d = 0; d < net.D; d++) {
    const a = net.src[d]!;
    const b = net.dst[d]!;
    if (a === b) continue;
    adj[a]!.set(b, (adj[a]!.get(b) ?? 0) + net.mbps[d]!);
    adj[b]!.set(a, (adj[b]!.get(a) ?? 0) + net.mbps[d]!);
  }
  return adj;
}

interface Capacity {
  cpu: number;
  mem: number;
}

/** Splits a host set into two cost clusters around its two farthest hosts. */
function splitHosts(hosts: readonly number[], cost: Float64Array, H: number): [number[], number[]] {
  let a = hosts[0]!;
  let b = hosts[1]!;
  let far = -1;
  for (const x of hosts) {
    for (const y of hosts) {
      if (x >= y) continue;
      const c = Math.min(cost[x * H + y]!, cost[y * H + x]!);
      const cc = c === Infinity ? Number.MAX_VALUE : c;
      if (cc > far) {
        far = cc;
        a = x;
        b = y;
      }
    }
  }
  const A: number[] = [];
  const B: number[] = [];
  for (const h of hosts) {
    if (h === a) A.push(h);
    else if (h === b) B.push(h);
    else {
      const ca = Math.min(cost[h * H + a]!, cost[a * H + h]!);
      const cb = Math.min(cost[h * H + b]!, cost[b * H + h]!);
      (ca < cb || (ca === cb && A.length <= B.length) ? A : B).push(h);
    }
  }
  return [A, B];
}

/** Cuts `vms` into a group for cluster A (capacity `capA`) and the rest for B, with little traffic across. */
function cutVms(net: Net, adj: Array<Map<number, number>>, vms: readonly number[], capA: Capacity, capB: Capacity): [number[], number[]] {
  const inA = new Map<number, boolean>(vms.map((v) => [v, false]));
  const volume = (v: number): number => {
    let s = 0;
    for (const [u, w] of adj[v]!) if (inA.has(u)) s += w;
    return s;
  };
  const used: Capacity = { cpu: 0, mem: 0 };
  const fits = (c: Capacity, used: Capacity, v: number): boolean => used.cpu + net.cpu[v]! <= c.cpu + 1e-9 && used.mem + net.mem[v]! <= c.mem + 1e-9;
  // Grow A: from the VM with most traffic, add the VM with most traffic into A that still fits.
  const gain = new Map<number, number>(vms.map((v) => [v, 0]));
  const vol = new Map<number, number>(vms.map((v) => [v, volume(v)]));
  for (;;) {
    let best = -1;
    for (const v of vms) {
      if (inA.get(v) === true || !fits(capA, used, v)) continue;
      if (best < 0 || gain.get(v)! > gain.get(best)! || (gain.get(v) === gain.get(best) && (vol.get(v)! > vol.get(best)! || (vol.get(v) === vol.get(best) && v < best)))) best = v;
    }
    if (best < 0) break;
    inA.set(best, true);
    used.cpu += net.cpu[best]!;
    used.mem += net.mem[best]!;
    for (const [u, w] of adj[best]!) if (gain.has(u)) gain.set(u, gain.get(u)! + w);
  }
  const usedB: Capacity = { cpu: 0, mem: 0 };
  for (const v of vms) {
    if (inA.get(v) === true) continue;
    usedB.cpu += net.cpu[v]!;
    usedB.mem += net.mem[v]!;
  }
  // Kernighan-Lin style refinement: D(v) = external − internal traffic; move or swap while the cut shrinks.
  const side = (v: number): boolean => inA.get(v) === true;
  const dval = (v: number): number => {
    let d = 0;
    for (const [u, w] of adj[v]!) {
      if (!inA.has(u)) continue;
      d += side(u) === side(v) ? -w : w;
    }
    return d;
  };
  const move = (v: number): void => {
    const toA = !side(v);
    const [from, to] = toA ? [usedB, used] : [used, usedB];
    from.cpu -= net.cpu[v]!;
    from.mem -= net.mem[v]!;
    to.cpu += net.cpu[v]!;
    to.mem += net.mem[v]!;
    inA.set(v, toA);
  };
  const within = (c: Capacity, u: Capacity, dCpu: number, dMem: number): boolean => u.cpu + dCpu <= c.cpu + 1e-9 && u.mem + dMem <= c.mem + 1e-9;
  for (let pass = 0; pass < KL_PASSES; pass++) {
    let improved = false;
    for (const v of vms) {
      if (dval(v) <= 1e-12) continue;
      const [cap, u] = side(v) ? [capB, usedB] : [capA, used];
      if (within(cap, u, net.cpu[v]!, net.mem[v]!)) {
        move(v);
        improved = true;
      }
    }
    if (vms.length <= SWAP_LIMIT) {
      const A = vms.filter(side);
      const B = vms.filter((v) => !side(v));
      const dv = new Map<number, number>(vms.map((v) => [v, dval(v)]));
      for (const a of A) {
        if (!side(a)) continue;
        let best = -1;
        let bestGain = 1e-12;
        for (const b of B) {
          if (side(b)) continue;
          const g = dv.get(a)! + dv.get(b)! - 2 * (adj[a]!.get(b) ?? 0);
          if (g <= bestGain) continue;
          const dCpu = net.cpu[b]! - net.cpu[a]!;
          const dMem = net.mem[b]! - net.mem[a]!;
          if (within(capA, used, dCpu, dMem) && within(capB, usedB, -dCpu, -dMem)) {
            best = b;
            bestGain = g;
          }
        }
        if (best < 0) continue;
        move(a);
        move(best);
        improved = true;
        for (const x of [a, best, ...adj[a]!.keys(), ...adj[best]!.keys()]) if (dv.has(x)) dv.set(x, dval(x));
      }
    }
    if (!improved) break;
  }
  return [vms.filter(side), vms.filter((v) => !side(v))];
}

export const placeClusterAndCut: Placer = (net: Net, plan: Plan) => {
  const cost = hostCosts(net);
  const adj = trafficGraph(net);
  const H = net.H;
  const capacity = (hosts: readonly number[]): Capacity => ({
    cpu: hosts.reduce((s, h) => s + net.cpuCap[h]!, 0),
    mem: hosts.reduce((s, h) => s + net.memCap[h]!, 0),
  });
  const overflow: number[] = [];
  const recurse = (hosts: readonly number[], vms: readonly number[]): void => {
    if (vms.length === 0) return;
    if (hosts.length === 1) {
      const h = hosts[0]!;
      for (const v of vms) {
        if (net.candidates[v]!.includes(h) && plan.fits(v, h) && plan.withinMigrationBudget(v, h)) plan.place(v, h);
        else overflow.push(v);
      }
      return;
    }
    let [A, B] = splitHosts(hosts, cost, H);
    let capA = capacity(A);
    let capB = capacity(B);
    if (capB.cpu > capA.cpu) [A, B, capA, capB] = [B, A, capB, capA];
    const [va, vb] = cutVms(net, adj, vms, capA, capB);
    recurse(A, va);
    recurse(B, vb);
  };
  recurse(
    Array.from({ length: H }, (_, h) => h),
    Array.from({ length: net.V }, (_, v) => v),
  );
  const volume = (v: number): number => [...adj[v]!.values()].reduce((s, w) => s + w, 0);
  overflow.sort((a, b) => volume(b) - volume(a) || a - b);
  for (const v of overflow) {
    let best = -1;
    let bestCost = Infinity;
    for (const h of openHosts(net, plan, v)) {
      let c = 0;
      for (const [u, w] of adj[v]!) {
        const hu = plan.hostOf[u]!;
        if (hu >= 0) c += w * Math.min(cost[h * H + hu]!, Number.MAX_VALUE);
      }
      if (best < 0 || c < bestCost || (c === bestCost && net.cpuCap[h]! - plan.cpuUsed[h]! > net.cpuCap[best]! - plan.cpuUsed[best]!)) {
        best = h;
        bestCost = c;
      }
    }
    if (best < 0) return noRoom(net, plan, v, "traffic-aware");
    plan.place(v, best);
  }
  return null;
};

export const clusterAndCutBaseline = (routing: Routing = Routing.Shortest) =>
  baselinePlugin(
    "traffic-aware",
    "traffic-aware placement in the style of Meng et al.'s Cluster-and-Cut (INFOCOM'10): hosts clustered by cost, VM traffic cut to match",
    placeClusterAndCut,
    routing,
    Routing.Shortest,
  );
