/**
 * What the exact MIP's strengthening cuts and the aggregated relaxation share: the communicating VM pairs (a
 * demand's co-location is its pair's) and how many VMs can share a host with a given VM.
 */
import { fitsWithin } from "../model/problem.js";
import type { Net } from "./net.js";

/** An unordered VM pair `u ≤ w` with its demands (either direction; `u === w` for a VM's demands to itself). */
export interface VmPair {
  readonly u: number;
  readonly w: number;
  readonly demands: number[];
  /** Σ of the demands' Mbit/s. */
  mbps: number;
}

/** The pairs, and the pair of each demand. */
export function communicatingPairs(net: Net): { pairs: VmPair[]; pairOf: Int32Array } {
  const index = new Map<number, number>();
  const pairs: VmPair[] = [];
  const pairOf = new Int32Array(net.D);
  for (let d = 0; d < net.D; d++) {
    const u = Math.min(net.src[d]!, net.dst[d]!);
    const w = Math.max(net.src[d]!, net.dst[d]!);
    let p = index.get(u * net.V + w);
    if (p === undefined) {
      p = pairs.length;
      index.set(u * net.V + w, p);
      pairs.push({ u, w, demands: [], mbps: 0 });
    }
    pairs[p]!.demands.push(d);
    pairs[p]!.mbps += net.mbps[d]!;
    pairOf[d] = p;
  }
  return { pairs, pairOf };
}

/**
 * An upper bound on how many VMs (v included) can run on host h together: v plus the smallest VMs by cpu and by
 * memory that fit beside it (the pools include v itself, so this may count one too many: still a bound).
 */
export function mostVmsWith(net: Net, v: number, h: number, cpuSorted: Float64Array, memSorted: Float64Array): number {
  const count = (sorted: Float64Array, room: number): number => {
    let n = 0;
    let used = 0;
    for (const x of sorted) {
      if (!fitsWithin(used + x, room)) break;
      used += x;
      n++;
    }
    return n;
  };
  return 1 + Math.min(count(cpuSorted, net.cpuCap[h]! - net.cpu[v]!), count(memSorted, net.memCap[h]! - net.mem[v]!));
}

/** Most VMs that can share any host (the size limit of the density sets of {@link vmDensities}). */
export function mostVmsAnywhere(net: Net, cpuSorted: Float64Array, memSorted: Float64Array): number {
  let k = 1;
  for (let v = 0; v < net.V; v++) for (const h of net.candidates[v]!) k = Math.max(k, mostVmsWith(net, v, h, cpuSorted, memSorted));
  return k;
}

/** The VMs' cpu and memory sorted ascending, for {@link mostVmsWith}. */
export function sortedSizes(net: Net): { cpuSorted: Float64Array; memSorted: Float64Array } {
  return { cpuSorted: net.cpu.slice().sort(), memSorted: net.mem.slice().sort() };
}

/**
 * Per-VM densities ρ_v that bound the weight of co-located pairs host by host: on any host h of any plan,
 * `Σ_{p co-located on h} weight[p] ≤ Σ_{v on h} ρ_v`, hence also `Σ_p weight[p] · [p co-located] ≤ Σ_v ρ_v`. ρ_v is
 * the largest density `w(C) / |C|` of a connected set C of VMs containing v (connected by pairs that may share a
 * host, of positive weight) that could share one host: at most `k` VMs, within the largest cpu and memory of any
 * host. Valid because each host's co-located VMs split into such connected sets C and
 * `w(C) = Σ_{v ∈ C} w(C) / |C|`. On a sparse pattern (a stencil) it is far below the per-VM star bound: six VMs of
 * a 3-D grid share at most 7 of their pairs, not 6 · 5 / 2. The sets are enumerated once each from their smallest
 * VM (Wernicke's ESU, "Efficient detection of network motifs", IEEE/ACM TCBB 2006); null when more than `budget`
 * sets would have to be visited.
 */
export function vmDensities(
  net: Net,
  pairs: readonly VmPair[],
  weight: ArrayLike<number>,
  canShare: (p: number) => boolean,
  k: number,
  budget = 5_000_000,
): Float64Array | null {
  const adj: Array<Array<{ w: number; p: number }>> = Array.from({ length: net.V }, () => []);
  pairs.forEach(({ u, w }, p) => {
    if (u === w || !(weight[p]! > 0) || !canShare(p)) return;
    adj[u]!.push({ w, p });
    adj[w]!.push({ w: u, p });
  });
  const maxCpu = Math.max(...net.cpuCap);
  const maxMem = Math.max(...net.memCap);
  const rho = new Float64Array(net.V);
  const inSet = new Uint8Array(net.V);
  /** How many members of the set, or of its extension, each VM neighbours (to keep extensions exclusive). */
  const near = new Int32Array(net.V);
  const members: number[] = [];
  let visited = 0;
  const extend = (root: number, ext: number[], inner: number, cpu: number, mem: number): boolean => {
    if (++visited > budget) return false;
    const density = inner / members.length;
    for (const m of members) if (density > rho[m]!) rho[m] = density;
    if (members.length >= k) return true;
    for (let i = 0; i < ext.length; i++) {
      const x = ext[i]!;
      if (!fitsWithin(cpu + net.cpu[x]!, maxCpu) || !fitsWithin(mem + net.mem[x]!, maxMem)) continue;
      let gain = 0;
      for (const { w, p } of adj[x]!) if (inSet[w] === 1) gain += weight[p]!;
      // the new extension: what is left of this one, and x's neighbours not yet in or next to the set
      const next = ext.slice(i + 1);
      const added: number[] = [];
      for (const { w } of adj[x]!) {
        if (w > root && inSet[w] === 0 && near[w] === 0) {
          next.push(w);
          added.push(w);
          near[w] = 1;
        }
      }
      inSet[x] = 1;
      members.push(x);
      const ok = extend(root, next, inner + gain, cpu + net.cpu[x]!, mem + net.mem[x]!);
      members.pop();
      inSet[x] = 0;
      for (const w of added) near[w] = 0;
      if (!ok) return false;
    }
    return true;
  };
  for (let v = 0; v < net.V; v++) {
    inSet[v] = 1;
    members.push(v);
    const ext: number[] = [];
    near[v] = 1;
    for (const { w } of adj[v]!) {
      if (w > v && near[w] === 0) {
        near[w] = 1;
        ext.push(w);
      }
    }
    const ok = extend(v, ext, 0, net.cpu[v]!, net.mem[v]!);
    for (const w of ext) near[w] = 0;
    near[v] = 0;
    members.pop();
    inSet[v] = 0;
    if (!ok) return null;
  }
  return rho;
}
