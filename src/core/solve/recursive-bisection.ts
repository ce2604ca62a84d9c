/**
 * Placement by dual recursive bipartitioning (Pellegrini & Roman, "SCOTCH: a software package for static mapping
 * by dual recursive bipartitioning of process and architecture graphs", HPCN'96): the hosts are arranged in a
 * binary hierarchy, hosts joined by the widest and then the shortest paths together (average-linkage clustering,
 * by the nearest-neighbour chain of Murtagh, Computer Journal 1983), and the VMs' communication graph is bisected
 * to match each split of the hierarchy — a greedy graph-growing start (Karypis & Kumar's GGGP, SIAM J. Sci.
 * Comput. 1998) refined by Fiduccia–Mattheyses passes (DAC'82) — until each host holds its part. What talks most
 * thus shares a host, then a group of hosts joined by wide links (a site's LAN, the wide-area gateways).
 *
 * It sees capacities (cpu and memory), not pins, allowed hosts, the current placement or link loads: the greedy
 * heuristic uses it when every VM may run on every chosen host and migrations are free, and routes its mapping as
 * it routes its own.
 */
import { fitsWithin } from "../model/problem.js";
import { communicatingPairs } from "./co-location.js";
import { MinHeap } from "./heap.js";
import type { Net } from "./net.js";
import { leastLatencies, widestWidths } from "./widest-path.js";

/** Start vertices tried per bisection (the smallest cut is kept). */
export const BISECTION_TRIALS = 4;
/** Fiduccia–Mattheyses passes per bisection at most (they stop early once a pass gains nothing). */
const FM_PASSES = 4;
/** A pass stops after this many moves without a new best cut (Karypis & Kumar's early exit). */
const FM_PATIENCE = 64;
/** Entries looked at below a side's best gain for one whose move fits the other side's room. */
const FM_LOOKAHEAD = 16;

/** A node of the host hierarchy: a host (leaf) or a split into two groups, with the group's capacity. */
export interface HostTree {
  readonly host: number;
  readonly left: HostTree | null;
  readonly right: HostTree | null;
  readonly cpu: number;
  readonly mem: number;
}

/**
 * The binary hierarchy of `hosts`: average-linkage clustering over the distance `1 − W/Wmax + 10⁻³·L/Lmax`, W the
 * widest-path width between two hosts and L the least latency (each the mean of both directions), so width decides
 * and latency breaks near-ties. O(k²) time and memory for k hosts.
 */
export function hostTree(net: Net, hosts: readonly number[]): HostTree {
  const k = hosts.length;
  const widths = hosts.map((a) => widestWidths(net, a, net.bw));
  const latencies = hosts.map((a) => leastLatencies(net, a));
  let maxW = 0;
  let maxL = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (i === j) continue;
      maxW = Math.max(maxW, widths[i]![hosts[j]!]!);
      const l = latencies[i]![hosts[j]!]!;
      if (Number.isFinite(l)) maxL = Math.max(maxL, l);
    }
  }
  const dist = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const w = (widths[i]![hosts[j]!]! + widths[j]![hosts[i]!]!) / 2;
      const l = (latencies[i]![hosts[j]!]! + latencies[j]![hosts[i]!]!) / 2;
      const d = (maxW > 0 ? 1 - w / maxW : 1) + (Number.isFinite(l) ? (maxL > 0 ? 1e-3 * (l / maxL) : 0) : 1);
      dist[i * k + j] = d;
      dist[j * k + i] = d;
    }
  }
  const node: HostTree[] = hosts.map((h) => ({ host: h, left: null, right: null, cpu: net.cpuCap[h]!, mem: net.memCap[h]! }));
  const size = new Float64Array(k).fill(1);
  const active = new Uint8Array(k).fill(1);
  const chain: number[] = [];
  for (let left = k; left > 1; ) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    const a = chain[chain.length - 1]!;
    const prev = chain.length > 1 ? chain[chain.length - 2]! : -1;
    let b = prev;
    let best = prev >= 0 ? dist[a * k + prev]! : Infinity;
    for (let j = 0; j < k; j++) {
      if (j !== a && active[j] === 1 && dist[a * k + j]! < best) {
        best = dist[a * k + j]!;
        b = j;
      }
    }
    if (b !== prev) {
      chain.push(b);
      continue;
    }
    // a and b are each other's nearest: merge b into a (Lance–Williams update for average linkage)
    chain.length -= 2;
    for (let j = 0; j < k; j++) {
      if (active[j] !== 1 || j === a || j === b) continue;
      const d = (size[a]! * dist[a * k + j]! + size[b]! * dist[b * k + j]!) / (size[a]! + size[b]!);
      dist[a * k + j] = d;
      dist[j * k + a] = d;
    }
    size[a]! += size[b]!;
    active[b] = 0;
    const [l, r] = [node[a]!, node[b]!];
    node[a] = { host: -1, left: l, right: r, cpu: l.cpu + r.cpu, mem: l.mem + r.mem };
    left--;
  }
  return node[active.indexOf(1)]!;
}

/** The VMs' communication graph in compressed rows: `nbr[off[v] … off[v+1])` with the pair's weight. */
interface VmGraph {
  readonly off: Int32Array;
  readonly nbr: Int32Array;
  readonly wgt: Float64Array;
}

function vmGraph(net: Net, weight: ArrayLike<number>): VmGraph {
  const { pairs } = communicatingPairs(net);
  const degree = new Int32Array(net.V + 1);
  const links = pairs.filter(({ u, w }) => u !== w);
  for (const { u, w } of links) {
    degree[u]! += 1;
    degree[w]! += 1;
  }
  const off = new Int32Array(net.V + 1);
  for (let v = 0; v < net.V; v++) off[v + 1] = off[v]! + degree[v]!;
  const fill = off.slice(0, net.V);
  const nbr = new Int32Array(off[net.V]!);
  const wgt = new Float64Array(off[net.V]!);
  for (const { u, w, demands } of links) {
    let x = 0;
    for (const d of demands) x += weight[d]!;
    nbr[fill[u]!] = w;
    wgt[fill[u]!++] = x;
    nbr[fill[w]!] = u;
    wgt[fill[w]!++] = x;
  }
  return { off, nbr, wgt };
}

/**
 * Maps every VM onto `tree`'s hosts by dual recursive bipartitioning, the weight of a VM pair being the sum of its
 * demands' `weight` (what co-locating each is worth). Each bisection keeps the smallest cut of
 * {@link BISECTION_TRIALS} starts, spread over the set and shifted by `variant / 8` of the spacing (variants give
 * different, equally good mappings to choose from). Null when some host's part does not fit it (VMs of unequal
 * sizes can leave a group's capacity unusable). The caller guarantees that every VM may run on every host of the
 * tree.
 */
export function bisectionMapping(net: Net, tree: HostTree, weight: ArrayLike<number>, variant = 0): Int32Array | null {
  const g = vmGraph(net, weight);
  const mapping = new Int32Array(net.V).fill(-1);
  // scratch, indexed by VM: membership stamp of the current set, side (0/1), gain, locked flag
  const mark = new Int32Array(net.V).fill(-1);
  const side = new Uint8Array(net.V);
  const gain = new Float64Array(net.V);
  const locked = new Uint8Array(net.V);
  let stamp = 0;

  const place = (node: HostTree, vms: Int32Array): boolean => {
    if (node.left === null || node.right === null) {
      let cpu = 0;
      let mem = 0;
      for (const v of vms) {
        cpu += net.cpu[v]!;
        mem += net.mem[v]!;
        mapping[v] = node.host;
      }
      return fitsWithin(cpu, node.cpu) && fitsWithin(mem, node.mem);
    }
    const parts = bisect(vms, node.left, node.right);
    return parts !== null && place(node.left, parts[0]) && place(node.right, parts[1]);
  };

  /** The cut weight of the current sides of `vms` (members stamped). */
  const cutOf = (vms: Int32Array, s: number): number => {
    let cut = 0;
    for (const v of vms) for (let i = g.off[v]!; i < g.off[v + 1]!; i++) if (mark[g.nbr[i]!] === s && side[g.nbr[i]!] !== side[v]) cut += g.wgt[i]!;
    return cut / 2;
  };

  const bisect = (vms: Int32Array, a: HostTree, b: HostTree): [Int32Array, Int32Array] | null => {
    const s = ++stamp;
    let cpuAll = 0;
    let memAll = 0;
    for (const v of vms) {
      mark[v] = s;
      cpuAll += net.cpu[v]!;
      memAll += net.mem[v]!;
    }
    const room = [
      [a.cpu, a.mem],
      [b.cpu, b.mem],
    ] as const;
    // side 0's share of the VMs' cpu, in proportion to the two groups' cpu
    const target = (cpuAll * a.cpu) / (a.cpu + b.cpu);
    let best: Uint8Array | null = null;
    let bestCut = Infinity;
    const trials = Math.min(BISECTION_TRIALS, vms.length);
    for (let t = 0; t < trials; t++) {
      if (!grow(vms, s, vms[Math.floor(((t + variant / 8) * vms.length) / trials) % vms.length]!, target, room, cpuAll, memAll)) continue;
      refine(vms, s, room);
      const cut = cutOf(vms, s);
      if (cut < bestCut) {
        bestCut = cut;
        best = Uint8Array.from(vms, (v) => side[v]!);
      }
    }
    if (best === null) return null;
    const parts: [number[], number[]] = [[], []];
    vms.forEach((v, i) => parts[best[i]!]!.push(v));
    return [Int32Array.from(parts[0]), Int32Array.from(parts[1])];
  };

  // breadth-first search scratch: visit stamps and the queue
  const seen = new Int32Array(net.V);
  const queue = new Int32Array(net.V);
  let visit = 0;
  /** A vertex far from `start` within the set (the last reached by two breadth-first searches). */
  const peripheral = (start: number, s: number): number => {
    let far = start;
    for (let round = 0; round < 2; round++) {
      const stampNow = ++visit;
      seen[far] = stampNow;
      queue[0] = far;
      for (let head = 0, tail = 1; head < tail; head++) {
        const v = queue[head]!;
        for (let i = g.off[v]!; i < g.off[v + 1]!; i++) {
          const w = g.nbr[i]!;
          if (mark[w] !== s || seen[w] === stampNow) continue;
          seen[w] = stampNow;
          queue[tail++] = w;
          far = w;
        }
      }
    }
    return far;
  };

  /**
   * Greedy graph growing: side 0 grows from a peripheral vertex by the VM with the most weight into it less its
   * weight to the rest (a VM not yet touching it last), until it holds `target` cpu and the rest fits side 1.
   */
  const grow = (vms: Int32Array, s: number, start: number, target: number, room: readonly (readonly [number, number])[], cpuAll: number, memAll: number): boolean => {
    for (const v of vms) {
      side[v] = 1;
      gain[v] = 0;
      for (let i = g.off[v]!; i < g.off[v + 1]!; i++) if (mark[g.nbr[i]!] === s) gain[v]! -= g.wgt[i]!;
    }
    let cpu = 0;
    let mem = 0;
    const heap = new MinHeap();
    const take = (v: number): void => {
      side[v] = 0;
      cpu += net.cpu[v]!;
      mem += net.mem[v]!;
      for (let i = g.off[v]!; i < g.off[v + 1]!; i++) {
        const w = g.nbr[i]!;
        if (mark[w] !== s || side[w] !== 1) continue;
        gain[w]! += 2 * g.wgt[i]!;
        heap.push(-gain[w]!, w);
      }
    };
    take(peripheral(start, s));
    const restFits = (): boolean => fitsWithin(cpuAll - cpu, room[1]![0]) && fitsWithin(memAll - mem, room[1]![1]);
    const fitsSide0 = (w: number): boolean => fitsWithin(cpu + net.cpu[w]!, room[0]![0]) && fitsWithin(mem + net.mem[w]!, room[0]![1]);
    let scan = 0;
    while (cpu < target || !restFits()) {
      let v = -1;
      while (heap.size > 0) {
        const w = heap.pop();
        if (side[w] === 1 && -heap.lastKey === gain[w] && fitsSide0(w)) {
          v = w;
          break;
        }
      }
      // nothing touching side 0 fits: the next VM of the set that does (a new region)
      for (; v < 0 && scan < vms.length; scan++) {
        const w = vms[scan]!;
        if (side[w] === 1 && fitsSide0(w)) v = w;
      }
      if (v < 0) return restFits();
      // stop short of the target rather than overshoot it when that keeps the rest within side 1
      if (cpu + net.cpu[v]! > target && restFits() && cpu + net.cpu[v]! - target > target - cpu) break;
      take(v);
    }
    return restFits();
  };

  /**
   * Fiduccia–Mattheyses passes: each VM moves at most once per pass, the best-gain VM whose move fits the other
   * side's room first; the pass ends {@link FM_PATIENCE} moves after its best cut and is undone back to it; passes stop when one gains nothing.
   */
  const refine = (vms: Int32Array, s: number, room: readonly (readonly [number, number])[]): void => {
    const used = [
      [0, 0],
      [0, 0],
    ];
    for (const v of vms) {
      used[side[v]!]![0]! += net.cpu[v]!;
      used[side[v]!]![1]! += net.mem[v]!;
    }
    for (let pass = 0; pass < FM_PASSES; pass++) {
      const heaps = [new MinHeap(), new MinHeap()];
      for (const v of vms) {
        locked[v] = 0;
        gain[v] = 0;
        for (let i = g.off[v]!; i < g.off[v + 1]!; i++) {
          const w = g.nbr[i]!;
          if (mark[w] === s) gain[v]! += side[w] === side[v] ? -g.wgt[i]! : g.wgt[i]!;
        }
        heaps[side[v]!]!.push(-gain[v]!, v);
      }
      /** Moves v to the other side, its cpu and memory with it. */
      const flip = (v: number): void => {
        const from = side[v]!;
        side[v] = 1 - from;
        used[from]![0]! -= net.cpu[v]!;
        used[from]![1]! -= net.mem[v]!;
        used[1 - from]![0]! += net.cpu[v]!;
        used[1 - from]![1]! += net.mem[v]!;
      };
      const fitsOther = (v: number): boolean => {
        const o = 1 - side[v]!;
        return fitsWithin(used[o]![0]! + net.cpu[v]!, room[o]![0]) && fitsWithin(used[o]![1]! + net.mem[v]!, room[o]![1]);
      };
      /** The best movable VM on one side (stale and locked entries dropped, unfitting ones put back). */
      const top = (h: MinHeap, sd: number): number => {
        const back: number[] = [];
        let found = -1;
        while (h.size > 0 && back.length < FM_LOOKAHEAD) {
          const v = h.pop();
          if (locked[v] === 1 || side[v] !== sd || -h.lastKey !== gain[v]) continue;
          if (fitsOther(v)) {
            found = v;
            break;
          }
          back.push(v);
        }
        for (const v of back) h.push(-gain[v]!, v);
        if (found >= 0) h.push(-gain[found]!, found);
        return found;
      };
      const moved: number[] = [];
      let total = 0;
      let bestTotal = 0;
      let bestAt = 0;
      for (;;) {
        const c0 = top(heaps[0]!, 0);
        const c1 = top(heaps[1]!, 1);
        const v = c0 < 0 ? c1 : c1 < 0 ? c0 : gain[c1]! > gain[c0]! ? c1 : c0;
        if (v < 0) break;
        total += gain[v]!;
        flip(v);
        locked[v] = 1;
        moved.push(v);
        const to = side[v]!;
        for (let i = g.off[v]!; i < g.off[v + 1]!; i++) {
          const w = g.nbr[i]!;
          if (mark[w] !== s || locked[w] === 1) continue;
          gain[w]! += side[w] === to ? -2 * g.wgt[i]! : 2 * g.wgt[i]!;
          heaps[side[w]!]!.push(-gain[w]!, w);
        }
        if (total > bestTotal + 1e-9) {
          bestTotal = total;
          bestAt = moved.length;
        } else if (moved.length - bestAt >= FM_PATIENCE) {
          break;
        }
      }
      for (let i = moved.length - 1; i >= bestAt; i--) flip(moved[i]!);
      if (bestAt === 0) break;
    }
  };

  return place(tree, Int32Array.from({ length: net.V }, (_, v) => v)) ? mapping : null;
}
