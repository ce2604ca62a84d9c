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

/** The VMs' cpu and memory sorted ascending, for {@link mostVmsWith}. */
export function sortedSizes(net: Net): { cpuSorted: Float64Array; memSorted: Float64Array } {
  return { cpuSorted: net.cpu.slice().sort(), memSorted: net.mem.slice().sort() };
}
