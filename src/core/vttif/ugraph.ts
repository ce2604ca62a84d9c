/**
 * A compact undirected simple graph over matrix positions `0..n-1` (compressed sparse rows, sorted neighbour
 * lists), the structure the topology recognisers work on. Positions without edges are isolated.
 */

export interface UGraph {
  /** Number of positions (the matrix size); isolated positions have degree 0. */
  readonly n: number;
  /** `nbrs[offsets[v] .. offsets[v+1])` are v's neighbours, ascending. */
  readonly offsets: Int32Array;
  readonly nbrs: Int32Array;
  /** Number of undirected edges. */
  readonly edges: number;
}

/** Builds a graph from undirected edges `(a[k], b[k])` for `k < count`; self-loops and repeats are dropped. */
export function buildUGraph(n: number, a: ArrayLike<number>, b: ArrayLike<number>, count = a.length): UGraph {
  const deg = new Int32Array(n + 1);
  for (let k = 0; k < count; k++) {
    const u = a[k]!;
    const v = b[k]!;
    if (u === v) continue;
    deg[u]!++;
    deg[v]!++;
  }
  const offsets = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) offsets[v + 1] = offsets[v]! + deg[v]!;
  const fill = offsets.slice(0, n);
  const raw = new Int32Array(offsets[n]!);
  for (let k = 0; k < count; k++) {
    const u = a[k]!;
    const v = b[k]!;
    if (u === v) continue;
    raw[fill[u]!++] = v;
    raw[fill[v]!++] = u;
  }
  // Sort each list and drop repeats.
  const outOffsets = new Int32Array(n + 1);
  const nbrs = new Int32Array(raw.length);
  let w = 0;
  for (let v = 0; v < n; v++) {
    const list = raw.subarray(offsets[v]!, offsets[v + 1]!).sort();
    outOffsets[v] = w;
    for (let k = 0; k < list.length; k++) if (k === 0 || list[k] !== list[k - 1]) nbrs[w++] = list[k]!;
  }
  outOffsets[n] = w;
  return { n, offsets: outOffsets, nbrs: nbrs.slice(0, w), edges: w / 2 };
}

export function degree(g: UGraph, v: number): number {
  return g.offsets[v + 1]! - g.offsets[v]!;
}

/** v's neighbours (a view, ascending). */
export function neighboursOf(g: UGraph, v: number): Int32Array {
  return g.nbrs.subarray(g.offsets[v]!, g.offsets[v + 1]!);
}

/** Whether u and v are adjacent (binary search). */
export function hasEdge(g: UGraph, u: number, v: number): boolean {
  let lo = g.offsets[u]!;
  let hi = g.offsets[u + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = g.nbrs[mid]!;
    if (x === v) return true;
    if (x < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Positions with at least one edge, ascending. */
export function members(g: UGraph): number[] {
  const out: number[] = [];
  for (let v = 0; v < g.n; v++) if (g.offsets[v + 1]! > g.offsets[v]!) out.push(v);
  return out;
}

/** Number of connected components among the members (positions with edges). */
export function componentCount(g: UGraph): number {
  const seen = new Uint8Array(g.n);
  const stack: number[] = [];
  let count = 0;
  for (let s = 0; s < g.n; s++) {
    if (seen[s] === 1 || degree(g, s) === 0) continue;
    count++;
    seen[s] = 1;
    stack.push(s);
    while (stack.length > 0) {
      const u = stack.pop()!;
      for (let k = g.offsets[u]!; k < g.offsets[u + 1]!; k++) {
        const v = g.nbrs[k]!;
        if (seen[v] === 0) {
          seen[v] = 1;
          stack.push(v);
        }
      }
    }
  }
  return count;
}

/** Breadth-first distances from the sources (-1 where unreachable). */
export function bfs(g: UGraph, sources: readonly number[]): Int32Array {
  const dist = new Int32Array(g.n).fill(-1);
  const queue = new Int32Array(g.n);
  let head = 0;
  let tail = 0;
  for (const s of sources) {
    if (dist[s] !== -1) continue;
    dist[s] = 0;
    queue[tail++] = s;
  }
  while (head < tail) {
    const u = queue[head++]!;
    const du = dist[u]!;
    for (let k = g.offsets[u]!; k < g.offsets[u + 1]!; k++) {
      const v = g.nbrs[k]!;
      if (dist[v] === -1) {
        dist[v] = du + 1;
        queue[tail++] = v;
      }
    }
  }
  return dist;
}
