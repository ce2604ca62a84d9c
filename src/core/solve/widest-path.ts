/**
 * Widest (maximum-bottleneck) paths over residual bandwidths: the "adapted Dijkstra" of VADAPT (Sundararaj, Gupta &
 * Dinda, HPDC'05; Sundararaj et al., ICAC'06), where a path's width is the smallest residual bandwidth of its
 * edges. With a latency bound the widest path that meets it is found exactly by a threshold search: the largest
 * width `t` such that the minimum-latency path over the edges of residual ≥ t meets the bound.
 */
import { MinHeap } from "./heap.js";

/** A directed graph over hosts `0 … H−1`, edges indexed `0 … E−1`. */
export interface PathGraph {
  readonly H: number;
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly latencyMs: Float64Array;
  /** Outgoing edge indices per host. */
  readonly out: ReadonlyArray<readonly number[]>;
}

/** A path as its edge indices, with its width (smallest residual on it) and total latency. */
export interface Route {
  readonly edges: number[];
  readonly widthMbps: number;
  readonly latencyMs: number;
}

export interface PathLimits {
  /** Only edges whose residual is at least this may be used (a demand's Mbit/s). Default 0. */
  readonly minMbps?: number;
  /** The path's total latency must not exceed this. Default: no bound. */
  readonly maxLatencyMs?: number;
}

/**
 * A widest path from `src` to `dst` over edges whose residual is at least `minMbps`, within `maxLatencyMs` (when the
 * bound binds, the least-latency one among the widest). `null` when no path qualifies; `src === dst` gives the
 * empty path of infinite width.
 */
export function widestPath(g: PathGraph, src: number, dst: number, residual: ArrayLike<number>, limits: PathLimits = {}): Route | null {
  if (src === dst) return { edges: [], widthMbps: Infinity, latencyMs: 0 };
  const minMbps = limits.minMbps ?? 0;
  const maxLatencyMs = limits.maxLatencyMs ?? Infinity;
  const widest = adaptedDijkstra(g, src, dst, residual, minMbps);
  if (widest === null || widest.latencyMs <= maxLatencyMs) return widest;
  // The bound binds. Threshold search: the widths that can occur are the edges' residuals, up to the unbounded
  // widest path's width.
  const widths = new Set<number>();
  for (let e = 0; e < residual.length; e++) {
    const r = residual[e]!;
    if (r >= minMbps && r <= widest.widthMbps) widths.add(r);
  }
  const sorted = [...widths].sort((a, b) => a - b);
  let lo = 0;
  let hi = sorted.length - 1;
  let best: Route | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = shortestLatencyPath(g, src, dst, residual, sorted[mid]!);
    if (r !== null && r.latencyMs <= maxLatencyMs) {
      best = r;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

/** Max-min Dijkstra: labels are (width desc, latency asc); exact for the width, latency only breaks ties. */
function adaptedDijkstra(g: PathGraph, src: number, dst: number, residual: ArrayLike<number>, minMbps: number): Route | null {
  const width = new Float64Array(g.H).fill(-1);
  const latency = new Float64Array(g.H).fill(Infinity);
  const via = new Int32Array(g.H).fill(-1);
  const done = new Uint8Array(g.H);
  const heap = new MinHeap();
  width[src] = Infinity;
  latency[src] = 0;
  heap.push(-Infinity, src);
  while (heap.size > 0) {
    const u = heap.pop();
    if (done[u] === 1) continue;
    done[u] = 1;
    if (u === dst) break;
    const wu = width[u]!;
    for (const e of g.out[u]!) {
      const r = residual[e]!;
      if (r < minMbps) continue;
      const v = g.to[e]!;
      if (done[v] === 1) continue;
      const w = Math.min(wu, r);
      const l = latency[u]! + g.latencyMs[e]!;
      if (w > width[v]! || (w === width[v]! && l < latency[v]!)) {
        width[v] = w;
        latency[v] = l;
        via[v] = e;
        heap.push(-w, v);
      }
    }
  }
  if (done[dst] !== 1) return null;
  return { edges: trace(g, via, src, dst), widthMbps: width[dst]!, latencyMs: latency[dst]! };
}

/** Minimum-latency path over edges with residual ≥ `threshold`; its width is recomputed from the residuals. */
function shortestLatencyPath(g: PathGraph, src: number, dst: number, residual: ArrayLike<number>, threshold: number): Route | null {
  const { latency, via, done } = latencyTree(g, src, dst, residual, threshold);
  if (done[dst] !== 1) return null;
  const edges = trace(g, via, src, dst);
  let w = Infinity;
  for (const e of edges) w = Math.min(w, residual[e]!);
  return { edges, widthMbps: w, latencyMs: latency[dst]! };
}

/**
 * Dijkstra by latency from `src` over the edges whose residual is at least `threshold` (all edges without
 * `residual`), stopping once `dst` is settled (never when `dst` is −1).
 */
function latencyTree(g: PathGraph, src: number, dst: number, residual: ArrayLike<number> | null, threshold: number): { latency: Float64Array; via: Int32Array; done: Uint8Array } {
  const latency = new Float64Array(g.H).fill(Infinity);
  const via = new Int32Array(g.H).fill(-1);
  const done = new Uint8Array(g.H);
  const heap = new MinHeap();
  latency[src] = 0;
  heap.push(0, src);
  while (heap.size > 0) {
    const u = heap.pop();
    if (done[u] === 1) continue;
    done[u] = 1;
    if (u === dst) break;
    for (const e of g.out[u]!) {
      if (residual !== null && residual[e]! < threshold) continue;
      const v = g.to[e]!;
      const l = latency[u]! + g.latencyMs[e]!;
      if (l < latency[v]!) {
        latency[v] = l;
        via[v] = e;
        heap.push(l, v);
      }
    }
  }
  return { latency, via, done };
}

function trace(g: PathGraph, via: Int32Array, src: number, dst: number): number[] {
  const edges: number[] = [];
  for (let v = dst; v !== src; ) {
    const e = via[v]!;
    edges.push(e);
    v = g.from[e]!;
  }
  return edges.reverse();
}

/**
 * Widest-path widths from `src` to every host over the given capacities (the adapted Dijkstra without a target);
 * `Infinity` at `src`, 0 where unreachable. Used for the migration cost's "best path old → new host".
 */
export function widestWidths(g: PathGraph, src: number, capacity: ArrayLike<number>): Float64Array {
  return widestTree(g, src, capacity).width;
}

/** {@link widestWidths} with the tree of widest paths: `via[h]` is the edge into h on its path (−1 at src, unreachable). */
export function widestTree(g: PathGraph, src: number, capacity: ArrayLike<number>): { width: Float64Array; via: Int32Array } {
  const width = new Float64Array(g.H);
  const via = new Int32Array(g.H).fill(-1);
  const done = new Uint8Array(g.H);
  const heap = new MinHeap();
  width[src] = Infinity;
  heap.push(-Infinity, src);
  while (heap.size > 0) {
    const u = heap.pop();
    if (done[u] === 1) continue;
    done[u] = 1;
    for (const e of g.out[u]!) {
      const v = g.to[e]!;
      const w = Math.min(width[u]!, capacity[e]!);
      if (done[v] !== 1 && w > width[v]!) {
        width[v] = w;
        via[v] = e;
        heap.push(-w, v);
      }
    }
  }
  return { width, via };
}

/** Least latency from `src` to every host over all links (Dijkstra); Infinity where unreachable. */
export function leastLatencies(g: PathGraph, src: number): Float64Array {
  return latencyTree(g, src, -1, null, 0).latency;
}

/** {@link leastLatencies} with the tree of least-latency paths: `via[h]` is the edge into h (−1 at src, unreachable). */
export function leastLatencyTree(g: PathGraph, src: number): { latency: Float64Array; via: Int32Array } {
  const { latency, via } = latencyTree(g, src, -1, null, 0);
  return { latency, via };
}
