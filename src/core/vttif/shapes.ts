/**
 * The communication shapes VTTIF recognises (after Gupta & Dinda, "Inferring the topology and traffic load of
 * parallel programs running in a virtual machine environment", JSSPP 2004) and exact recognisers for each, with
 * the mapping of the graph's members onto the shape. Every recogniser is exact: it returns a mapping only if
 * the graph is that shape, edge for edge.
 */
import { embedLattice, embedStencil26 } from "./lattice.js";
import { bfs, componentCount, degree, members, neighboursOf, type UGraph } from "./ugraph.js";

export const TopologyClass = {
  Line: "line",
  Ring: "ring",
  Star: "star",
  Tree: "tree",
  AllToAll: "all-to-all",
  Bipartite: "bipartite",
  Mesh2d: "mesh2d",
  Torus2d: "torus2d",
  Stencil3d6: "stencil3d-6",
  Torus3d: "torus3d",
  Stencil3d26: "stencil3d-26",
  Hypercube: "hypercube",
  Unknown: "unknown",
} as const;
export type TopologyClass = (typeof TopologyClass)[keyof typeof TopologyClass];

/** Every class but `unknown`, in precedence order (the first exact match is the primary class). */
export const SHAPE_CLASSES: readonly Exclude<TopologyClass, "unknown">[] = [
  "line",
  "ring",
  "star",
  "tree",
  "all-to-all",
  "bipartite",
  "mesh2d",
  "torus2d",
  "stencil3d-6",
  "torus3d",
  "stencil3d-26",
  "hypercube",
];

/** How the members (matrix positions) map onto the recognised shape. */
export type ShapeMapping =
  /** Ring: positions in ring order, starting at the lowest. */
  | { readonly kind: "ring"; readonly order: number[] }
  /** Line / pipeline: positions from one end to the other. */
  | { readonly kind: "line"; readonly order: number[] }
  /** Meshes, tori and 3D stencils: side lengths and each member's coordinates. */
  | { readonly kind: "lattice"; readonly dims: number[]; readonly periodic: boolean; readonly nodes: number[]; readonly coords: number[][] }
  /** Hypercube: dimension and each member's label (neighbours differ in one bit). */
  | { readonly kind: "hypercube"; readonly dim: number; readonly nodes: number[]; readonly labels: number[] }
  /** Tree: the root (a centre of the tree), each member's parent (-1 for the root), depth and largest fan-out. */
  | { readonly kind: "tree"; readonly root: number; readonly nodes: number[]; readonly parents: number[]; readonly depth: number; readonly arity: number }
  /** Star / master-worker: the centre and the leaves. */
  | { readonly kind: "star"; readonly centre: number; readonly leaves: number[] }
  | { readonly kind: "all-to-all"; readonly nodes: number[] }
  /** Complete bipartite / client-server: the smaller side are the servers. */
  | { readonly kind: "bipartite"; readonly servers: number[]; readonly clients: number[] };

export interface ShapeMatch {
  readonly class: Exclude<TopologyClass, "unknown">;
  readonly mapping: ShapeMapping;
}

/** Walks a path or cycle whose members all have degree <= 2, from `start`. */
function walk(g: UGraph, start: number): number[] {
  const order = [start];
  let prev = -1;
  let cur = start;
  for (;;) {
    const next = [...neighboursOf(g, cur)].find((v) => v !== prev && v !== start);
    if (next === undefined) return order;
    if (order.length > g.n) return order;
    order.push(next);
    prev = cur;
    cur = next;
  }
}

function recogniseLine(g: UGraph, nodes: readonly number[]): ShapeMapping | null {
  const N = nodes.length;
  if (N < 2 || g.edges !== N - 1) return null;
  const ends = nodes.filter((v) => degree(g, v) === 1);
  if (ends.length !== 2 || nodes.some((v) => degree(g, v) > 2)) return null;
  const order = walk(g, ends[0]!);
  return order.length === N ? { kind: "line", order } : null;
}

function recogniseRing(g: UGraph, nodes: readonly number[]): ShapeMapping | null {
  const N = nodes.length;
  if (N < 3 || g.edges !== N || nodes.some((v) => degree(g, v) !== 2)) return null;
  const start = nodes[0]!;
  const [a, b] = neighboursOf(g, start) as unknown as [number, number];
  // Go round towards the lower-numbered neighbour first, so the order is canonical.
  const order = [start];
  let prev = start;
  let cur = Math.min(a, b);
  while (cur !== start) {
    order.push(cur);
    const next = [...neighboursOf(g, cur)].find((v) => v !== prev)!;
    prev = cur;
    cur = next;
    if (order.length > N) return null;
  }
  return order.length === N ? { kind: "ring", order } : null;
}

function recogniseStar(g: UGraph, nodes: readonly number[]): ShapeMapping | null {
  const N = nodes.length;
  if (N < 4 || g.edges !== N - 1) return null;
  const centre = nodes.find((v) => degree(g, v) === N - 1);
  if (centre === undefined) return null;
  return { kind: "star", centre, leaves: nodes.filter((v) => v !== centre) };
}

/** A tree that is neither a line nor a star. The root is a centre (minimum eccentricity; ties: higher degree). */
function recogniseTree(g: UGraph, nodes: readonly number[]): ShapeMapping | null {
  const N = nodes.length;
  if (N < 5 || g.edges !== N - 1) return null;
  let maxDeg = 0;
  for (const v of nodes) maxDeg = Math.max(maxDeg, degree(g, v));
  if (maxDeg <= 2 || maxDeg === N - 1) return null;
  // Peel leaves layer by layer; the last layer holds the centre(s).
  const deg = new Int32Array(g.n);
  for (const v of nodes) deg[v] = degree(g, v);
  let layer = nodes.filter((v) => deg[v] === 1);
  let left = N;
  while (left > layer.length) {
    left -= layer.length;
    const next: number[] = [];
    for (const v of layer) {
      deg[v] = 0;
      for (const x of neighboursOf(g, v)) if (deg[x]! > 0 && --deg[x]! === 1) next.push(x);
    }
    layer = next;
  }
  const root = [...layer].sort((a, b) => degree(g, b) - degree(g, a) || a - b)[0]!;
  const dist = bfs(g, [root]);
  const parents: number[] = [];
  let depth = 0;
  let arity = 0;
  for (const v of nodes) {
    const dv = dist[v]!;
    depth = Math.max(depth, dv);
    arity = Math.max(arity, v === root ? degree(g, v) : degree(g, v) - 1);
    parents.push(v === root ? -1 : [...neighboursOf(g, v)].find((x) => dist[x] === dv - 1)!);
  }
  return { kind: "tree", root, nodes: [...nodes], parents, depth, arity };
}

function recogniseAllToAll(g: UGraph, nodes: readonly number[]): ShapeMapping | null {
  const N = nodes.length;
  return N >= 3 && g.edges === (N * (N - 1)) / 2 ? { kind: "all-to-all", nodes: [...nodes] } : null;
}

/** Complete bipartite K(a,b) with both sides >= 2. */
function recogniseBipartite(g: UGraph, nodes: readonly number[]): ShapeMapping | null {
  const side = new Int8Array(g.n).fill(-1);
  const start = nodes[0]!;
  side[start] = 0;
  const stack = [start];
  while (stack.length > 0) {
    const u = stack.pop()!;
    for (const v of neighboursOf(g, u)) {
      if (side[v] === -1) {
        side[v] = 1 - side[u]!;
        stack.push(v);
      } else if (side[v] === side[u]) return null;
    }
  }
  const a = nodes.filter((v) => side[v] === 0);
  const b = nodes.filter((v) => side[v] === 1);
  if (a.length < 2 || b.length < 2 || g.edges !== a.length * b.length) return null;
  const [servers, clients] = a.length <= b.length ? [a, b] : [b, a];
  return { kind: "bipartite", servers, clients };
}

/** Hypercube: label the origin 0, its neighbours with one bit each, then every node the OR of its parents'. */
function recogniseHypercube(g: UGraph, nodes: readonly number[]): ShapeMapping | null {
  const N = nodes.length;
  const dim = Math.round(Math.log2(N));
  if (dim < 2 || 1 << dim !== N || g.edges !== (N * dim) / 2) return null;
  if (nodes.some((v) => degree(g, v) !== dim)) return null;
  const origin = nodes[0]!;
  const dist = bfs(g, [origin]);
  const label = new Int32Array(g.n).fill(-1);
  label[origin] = 0;
  [...neighboursOf(g, origin)].forEach((v, k) => (label[v] = 1 << k));
  const byDist = [...nodes].sort((a, b) => dist[a]! - dist[b]!);
  for (const v of byDist) {
    if (dist[v]! < 2) continue;
    let l = 0;
    for (const x of neighboursOf(g, v)) if (dist[x] === dist[v]! - 1) l |= label[x]!;
    label[v] = l;
  }
  const seen = new Uint8Array(N);
  for (const v of nodes) {
    const l = label[v]!;
    if (l < 0 || l >= N || seen[l] === 1) return null;
    seen[l] = 1;
    for (const x of neighboursOf(g, v)) {
      const diff = l ^ label[x]!;
      if (diff === 0 || (diff & (diff - 1)) !== 0) return null;
    }
  }
  return { kind: "hypercube", dim, nodes: [...nodes], labels: nodes.map((v) => label[v]!) };
}

function lattice(e: ReturnType<typeof embedLattice>): ShapeMapping | null {
  return e === null ? null : { kind: "lattice", dims: e.dims, periodic: e.periodic, nodes: e.nodes, coords: e.coords };
}

const RECOGNISERS: Record<Exclude<TopologyClass, "unknown">, (g: UGraph, nodes: readonly number[]) => ShapeMapping | null> = {
  line: recogniseLine,
  ring: recogniseRing,
  star: recogniseStar,
  tree: recogniseTree,
  "all-to-all": recogniseAllToAll,
  bipartite: recogniseBipartite,
  mesh2d: (g, nodes) => lattice(embedLattice(g, nodes, 2, false)),
  torus2d: (g, nodes) => lattice(embedLattice(g, nodes, 2, true)),
  "stencil3d-6": (g, nodes) => lattice(embedLattice(g, nodes, 3, false)),
  torus3d: (g, nodes) => lattice(embedLattice(g, nodes, 3, true)),
  "stencil3d-26": (g, nodes) => lattice(embedStencil26(g, nodes, false) ?? embedStencil26(g, nodes, true)),
  hypercube: recogniseHypercube,
};

/**
 * Every class the graph's members form exactly, in precedence order ({@link SHAPE_CLASSES}); more than one only
 * when the shapes are isomorphic (e.g. a 4x4 torus is the 4-cube, a 4x4x4 torus the 6-cube). Empty when the
 * members are disconnected or form none of the shapes.
 */
export function recogniseShapes(g: UGraph): ShapeMatch[] {
  const nodes = members(g);
  if (nodes.length < 2 || componentCount(g) !== 1) return [];
  const out: ShapeMatch[] = [];
  for (const c of SHAPE_CLASSES) {
    const m = RECOGNISERS[c](g, nodes);
    if (m !== null) out.push({ class: c, mapping: m });
  }
  return out;
}
