/**
 * Exact recognition of lattice shapes (Cartesian products of paths or cycles: 2D/3D meshes and tori, and the
 * 26-neighbour 3D stencil, a strong product of paths or cycles) with the coordinates of every member.
 *
 * Method (frame propagation): pick an origin and a frame (which neighbour is +x, -x, +y, ...). A neighbour w
 * of a placed node u inherits u's frame by square completion: w's neighbour in direction d' is the unique common
 * neighbour of w and u's neighbour in d' other than u (unique in products of paths and of cycles of length >= 3).
 * For a mesh the origin is a corner and the frame is fixed up to relabelling axes; for a torus every pairing of
 * the origin's 2D neighbours into axes is tried. The result is then verified edge by edge, so a returned
 * embedding is always exact.
 */
import { buildUGraph, degree, hasEdge, neighboursOf, type UGraph } from "./ugraph.js";

export interface LatticeEmbedding {
  /** Side lengths, one per axis. */
  readonly dims: number[];
  readonly periodic: boolean;
  /** The members, ascending. */
  readonly nodes: number[];
  /** `coords[k]` are the coordinates of `nodes[k]`. */
  readonly coords: number[][];
}

/** Unique common neighbour of a and b other than `not`, or -1 (none or several). */
function commonOther(g: UGraph, a: number, b: number, not: number): number {
  let found = -1;
  for (const x of neighboursOf(g, a)) {
    if (x === not || x === b || !hasEdge(g, b, x)) continue;
    if (found !== -1) return -1;
    found = x;
  }
  return found;
}

/** All ways of splitting `items` (even length) into ordered pairs, pairs in order of their first item. */
function pairings(items: readonly number[]): number[][][] {
  if (items.length === 0) return [[]];
  const [first, ...rest] = items as [number, ...number[]];
  const out: number[][][] = [];
  for (let k = 0; k < rest.length; k++) {
    const others = rest.filter((_, i) => i !== k);
    for (const p of pairings(others)) out.push([[first, rest[k]!], ...p]);
  }
  return out;
}

/**
 * Embeds the graph's members as a D-dimensional mesh (`periodic` false; side lengths >= 2) or torus (`periodic`
 * true; side lengths >= 3), or returns null if it is not one.
 */
export function embedLattice(g: UGraph, nodes: readonly number[], D: number, periodic: boolean): LatticeEmbedding | null {
  for (const e of latticeEmbeddings(g, nodes, D, periodic)) return e;
  return null;
}

/**
 * Every embedding found from the origin's candidate frames (several when the lattice has extra symmetry, e.g.
 * a 4x4 torus, which is also the 4-cube).
 */
export function* latticeEmbeddings(g: UGraph, nodes: readonly number[], D: number, periodic: boolean): Generator<LatticeEmbedding> {
  const N = nodes.length;
  if (N < 4) return;
  let minDeg = Infinity;
  let maxDeg = 0;
  for (const v of nodes) {
    const d = degree(g, v);
    minDeg = Math.min(minDeg, d);
    maxDeg = Math.max(maxDeg, d);
  }
  if (periodic ? minDeg !== 2 * D || maxDeg !== 2 * D : minDeg !== D || maxDeg > 2 * D) return;
  if (periodic && g.edges !== D * N) return;
  const origin = periodic ? nodes[0]! : nodes.find((v) => degree(g, v) === D)!;
  const around = [...neighboursOf(g, origin)];
  const frames: Int32Array[] = [];
  if (periodic) {
    for (const p of pairings(around)) frames.push(Int32Array.from(p.flat()));
  } else {
    const f = new Int32Array(2 * D).fill(-1);
    around.forEach((v, k) => (f[2 * k] = v));
    frames.push(f);
  }
  for (const f of frames) {
    const r = propagate(g, nodes, D, periodic, origin, f);
    if (r !== null) yield r;
  }
}

function propagate(g: UGraph, nodes: readonly number[], D: number, periodic: boolean, origin: number, originFrame: Int32Array): LatticeEmbedding | null {
  const n = g.n;
  const N = nodes.length;
  const F = 2 * D;
  const frame = new Int32Array(n * F).fill(-2);
  const coord = new Int32Array(n * D);
  const placed = new Uint8Array(n);
  const queue = new Int32Array(N);
  let head = 0;
  let tail = 0;
  frame.set(originFrame, origin * F);
  placed[origin] = 1;
  queue[tail++] = origin;
  const fw = new Int32Array(F);
  while (head < tail) {
    const u = queue[head++]!;
    for (let d = 0; d < F; d++) {
      const w = frame[u * F + d]!;
      if (w < 0) continue;
      const axis = d >> 1;
      const opp = d ^ 1;
      fw.fill(-1);
      fw[opp] = u;
      for (let dd = 0; dd < F; dd++) {
        if (dd >> 1 === axis) continue;
        const a = frame[u * F + dd]!;
        if (a < 0) continue;
        const c = commonOther(g, w, a, u);
        if (c < 0) return null;
        fw[dd] = c;
      }
      let remaining = -1;
      for (const x of neighboursOf(g, w)) {
        if (fw.includes(x)) continue;
        if (remaining !== -1) return null;
        remaining = x;
      }
      if (remaining === -1 && periodic) return null;
      fw[d] = remaining;
      if (placed[w] === 1) {
        for (let k = 0; k < F; k++) if (frame[w * F + k] !== fw[k]) return null;
        continue;
      }
      frame.set(fw, w * F);
      for (let k = 0; k < D; k++) coord[w * D + k] = coord[u * D + k]! + (k === axis ? (d & 1 ? -1 : 1) : 0);
      placed[w] = 1;
      queue[tail++] = w;
    }
  }
  if (tail !== N) return null;
  const dims: number[] = [];
  for (let k = 0; k < D; k++) {
    if (periodic) {
      let len = 1;
      let v = frame[origin * F + 2 * k]!;
      while (v !== origin) {
        v = frame[v * F + 2 * k]!;
        if (v < 0 || ++len > N) return null;
      }
      if (len < 3) return null;
      dims.push(len);
    } else {
      let max = 0;
      for (const v of nodes) {
        const c = coord[v * D + k]!;
        if (c < 0) return null;
        max = Math.max(max, c);
      }
      dims.push(max + 1);
    }
  }
  const coords = nodes.map((v) => Array.from({ length: D }, (_, k) => (periodic ? mod(coord[v * D + k]!, dims[k]!) : coord[v * D + k]!)));
  return verifyLattice(g, nodes, coords, dims, periodic, 1);
}

function mod(a: number, m: number): number {
  return ((a % m) + m) % m;
}

/**
 * Checks that coordinates are a bijection onto the box and that the edges are exactly the lattice's: for `reach`
 * 1 with L1 steps (a 2D-neighbour lattice) or, for `reach` 26 (`chebyshev`), all Chebyshev-distance-1 pairs.
 */
export function verifyLattice(
  g: UGraph,
  nodes: readonly number[],
  coords: readonly number[][],
  dims: readonly number[],
  periodic: boolean,
  metric: 1 | "chebyshev",
): LatticeEmbedding | null {
  const N = nodes.length;
  const D = dims.length;
  if (dims.reduce((a, b) => a * b, 1) !== N) return null;
  if (dims.some((L) => L < (periodic ? (metric === 1 ? 3 : 4) : metric === 1 ? 2 : 3))) return null;
  const slot = new Uint8Array(N);
  const posOf = new Int32Array(g.n).fill(-1);
  for (let k = 0; k < N; k++) {
    const c = coords[k]!;
    let flat = 0;
    for (let a = 0; a < D; a++) {
      const x = c[a]!;
      if (x < 0 || x >= dims[a]!) return null;
      flat = flat * dims[a]! + x;
    }
    if (slot[flat] === 1) return null;
    slot[flat] = 1;
    posOf[nodes[k]!] = k;
  }
  let expected = 0;
  if (metric === 1) {
    for (let a = 0; a < D; a++) expected += periodic ? N : (N / dims[a]!) * (dims[a]! - 1);
  } else {
    expected = periodic ? ((3 ** D - 1) * N) / 2 : (dims.reduce((p, L) => p * (3 * L - 2), 1) - N) / 2;
  }
  if (g.edges !== expected) return null;
  for (let k = 0; k < N; k++) {
    const u = nodes[k]!;
    const cu = coords[k]!;
    for (const v of neighboursOf(g, u)) {
      const pv = posOf[v]!;
      if (pv < 0) return null;
      const cv = coords[pv]!;
      let l1 = 0;
      let cheb = 0;
      for (let a = 0; a < D; a++) {
        let d = Math.abs(cu[a]! - cv[a]!);
        if (periodic) d = Math.min(d, dims[a]! - d);
        l1 += d;
        cheb = Math.max(cheb, d);
      }
      if (metric === 1 ? l1 !== 1 : cheb !== 1) return null;
    }
  }
  return { dims: [...dims], periodic, nodes: [...nodes], coords: coords.map((c) => [...c]) };
}

/**
 * Embeds the members as a 3D 26-neighbour stencil (every pair at Chebyshev distance 1 adjacent): non-periodic
 * with side lengths >= 3, or periodic with side lengths >= 4. Method: the 2x2x2 cells of the stencil are exactly
 * the 8-cliques that are the common closed neighbourhood of an adjacent pair; cells sharing a face (4 nodes)
 * form a 3D mesh (or torus), embedded with {@link embedLattice}; a node's coordinate follows from its cells'.
 */
export function embedStencil26(g: UGraph, nodes: readonly number[], periodic: boolean): LatticeEmbedding | null {
  const N = nodes.length;
  if (N < 27) return null;
  for (const v of nodes) {
    const d = degree(g, v);
    if (periodic ? d !== 26 : d < 7 || d > 26) return null;
  }
  const stamp = new Int32Array(g.n).fill(-1);
  const cellKey = new Map<string, number>();
  const cells: number[][] = [];
  const common: number[] = [];
  for (const u of nodes) {
    stamp[u] = u;
    for (const x of neighboursOf(g, u)) stamp[x] = u;
    for (const v of neighboursOf(g, u)) {
      if (v < u) continue;
      common.length = 0;
      if (stamp[v] === u) common.push(v);
      for (const x of neighboursOf(g, v)) if (stamp[x] === u) common.push(x);
      if (common.length !== 8) continue;
      common.sort((a, b) => a - b);
      let clique = true;
      for (let i = 0; i < 8 && clique; i++) for (let j = i + 1; j < 8 && clique; j++) clique = hasEdge(g, common[i]!, common[j]!);
      if (!clique) continue;
      const key = common.join(",");
      if (!cellKey.has(key)) {
        cellKey.set(key, cells.length);
        cells.push([...common]);
      }
    }
  }
  const C = cells.length;
  const cellsOf: number[][] = Array.from({ length: g.n }, () => []);
  cells.forEach((c, k) => c.forEach((v) => cellsOf[v]!.push(k)));
  const shared = new Map<number, number>();
  for (const v of nodes) {
    const cs = cellsOf[v]!;
    for (let i = 0; i < cs.length; i++) for (let j = i + 1; j < cs.length; j++) {
      const key = cs[i]! * C + cs[j]!;
      shared.set(key, (shared.get(key) ?? 0) + 1);
    }
  }
  const ea: number[] = [];
  const eb: number[] = [];
  for (const [key, count] of shared) {
    if (count !== 4) continue;
    ea.push(Math.floor(key / C));
    eb.push(key % C);
  }
  const cellGraph = buildUGraph(C, ea, eb);
  const cellNodes = Array.from({ length: C }, (_, k) => k);
  for (const cellEmb of latticeEmbeddings(cellGraph, cellNodes, 3, periodic)) {
    const e = nodesFromCells(g, nodes, cellsOf, cellEmb, periodic);
    if (e !== null) return e;
  }
  return null;
}

/** Node coordinates from the coordinates of the cells around each node, verified. */
function nodesFromCells(g: UGraph, nodes: readonly number[], cellsOf: readonly number[][], cellEmb: LatticeEmbedding, periodic: boolean): LatticeEmbedding | null {
  const cd = cellEmb.dims;
  const dims = periodic ? cd : cd.map((L) => L + 1);
  const coords: number[][] = [];
  for (const v of nodes) {
    const cs = cellsOf[v]!;
    const c: number[] = [];
    for (let a = 0; a < 3; a++) {
      const vals = new Set(cs.map((k) => cellEmb.coords[k]![a]!));
      if (periodic) {
        const L = cd[a]!;
        const x = [...vals].find((x) => vals.has(mod(x - 1, L)));
        if (x === undefined) return null;
        c.push(x);
      } else {
        const sorted = [...vals].sort((p, q) => p - q);
        if (sorted.length === 2) c.push(sorted[1]!);
        else if (sorted.length === 1) c.push(sorted[0] === 0 ? 0 : sorted[0]! + 1);
        else return null;
      }
    }
    coords.push(c);
  }
  return verifyLattice(g, nodes, coords, dims, periodic, "chebyshev");
}
