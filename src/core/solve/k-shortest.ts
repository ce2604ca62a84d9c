/**
 * Yen's k shortest loopless paths (J. Y. Yen, "Finding the K shortest loopless paths in a network", Management
 * Science 17(11), 1971), by latency, over the edges whose residual bandwidth is at least a demand's Mbit/s and
 * within its latency bound: the candidate paths that annealing's reroute move chooses from.
 */
import { MinHeap } from "./heap.js";
import type { PathGraph, PathLimits, Route } from "./widest-path.js";

/** Up to `k` simple paths from `src` to `dst` in increasing latency (ties: fewer hops first), all within the limits. */
export function kShortestPaths(g: PathGraph, src: number, dst: number, k: number, residual: ArrayLike<number>, limits: PathLimits = {}): Route[] {
  if (k <= 0) return [];
  if (src === dst) return [{ edges: [], widthMbps: Infinity, latencyMs: 0 }];
  const minMbps = limits.minMbps ?? 0;
  const maxLatencyMs = limits.maxLatencyMs ?? Infinity;
  const bannedEdge = new Uint8Array(g.from.length);
  const bannedHost = new Uint8Array(g.H);
  const first = shortest(g, src, dst, residual, minMbps, bannedEdge, bannedHost);
  if (first === null || first.latencyMs > maxLatencyMs) return [];
  const found: Array<{ edges: number[]; latencyMs: number }> = [first];
  const candidates: Array<{ edges: number[]; latencyMs: number }> = [];
  const seen = new Set<string>([first.edges.join(",")]);
  while (found.length < k) {
    const prev = found[found.length - 1]!;
    let spur = src;
    let rootLatency = 0;
    for (let i = 0; i < prev.edges.length; i++) {
      const root = prev.edges.slice(0, i);
      for (const p of found) {
        if (p.edges.length > i && root.every((e, j) => p.edges[j] === e)) bannedEdge[p.edges[i]!] = 1;
      }
      for (const e of root) bannedHost[g.from[e]!] = 1;
      const tail = shortest(g, spur, dst, residual, minMbps, bannedEdge, bannedHost);
      bannedEdge.fill(0);
      bannedHost.fill(0);
      if (tail !== null) {
        const edges = [...root, ...tail.edges];
        const key = edges.join(",");
        if (!seen.has(key)) {
          seen.add(key);
          candidates.push({ edges, latencyMs: rootLatency + tail.latencyMs });
        }
      }
      const e = prev.edges[i]!;
      rootLatency += g.latencyMs[e]!;
      spur = g.to[e]!;
    }
    if (candidates.length === 0) break;
    let best = 0;
    for (let c = 1; c < candidates.length; c++) {
      const a = candidates[c]!;
      const b = candidates[best]!;
      if (a.latencyMs < b.latencyMs || (a.latencyMs === b.latencyMs && a.edges.length < b.edges.length)) best = c;
    }
    const next = candidates.splice(best, 1)[0]!;
    if (next.latencyMs > maxLatencyMs) break;
    found.push(next);
  }
  return found.map((p) => {
    let w = Infinity;
    for (const e of p.edges) w = Math.min(w, residual[e]!);
    return { edges: p.edges, widthMbps: w, latencyMs: p.latencyMs };
  });
}

/** Dijkstra by latency avoiding banned edges and hosts (ties: fewer hops). */
function shortest(
  g: PathGraph,
  src: number,
  dst: number,
  residual: ArrayLike<number>,
  minMbps: number,
  bannedEdge: Uint8Array,
  bannedHost: Uint8Array,
): { edges: number[]; latencyMs: number } | null {
  const latency = new Float64Array(g.H).fill(Infinity);
  const hops = new Int32Array(g.H);
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
      const v = g.to[e]!;
      if (done[v] === 1 || bannedEdge[e] === 1 || bannedHost[v] === 1 || residual[e]! < minMbps) continue;
      const l = latency[u]! + g.latencyMs[e]!;
      if (l < latency[v]! || (l === latency[v]! && hops[u]! + 1 < hops[v]!)) {
        latency[v] = l;
        hops[v] = hops[u]! + 1;
        via[v] = e;
        heap.push(l, v);
      }
    }
  }
  if (done[dst] !== 1) return null;
  const edges: number[] = [];
  for (let v = dst; v !== src; v = g.from[via[v]!]!) edges.push(via[v]!);
  return { edges: edges.reverse(), latencyMs: latency[dst]! };
}
