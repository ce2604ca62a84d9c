/**
 * Seeded synthetic communication patterns, one per VTTIF class, as VM x VM traffic matrices: the ground truth
 * for testing topology inference. Each undirected edge of the shape carries `nominal` traffic each way, scaled
 * by independent uniform noise in ±`noise`; then `background` * n(n-1) random ordered pairs get light background
 * traffic, uniform in (0, `backgroundLevel` * nominal]; VMs are shuffled so that no classifier can lean on the
 * numbering. Pure: the same arguments and seed give the same matrix.
 */
import type { Rng } from "../rng.js";
import type { TopologyClass } from "./shapes.js";

export type PatternClass = Exclude<TopologyClass, "unknown">;

export interface PatternOptions {
  /** Relative noise on every pattern cell, uniform in ±noise (default 0). */
  readonly noise?: number;
  /** Background pairs as a fraction of all n(n-1) ordered pairs (default 0). */
  readonly background?: number;
  /** Largest background cell relative to the nominal pattern cell (default 0.2). */
  readonly backgroundLevel?: number;
  /** Traffic of one pattern cell before noise, in the matrix's unit (default 1). */
  readonly nominal?: number;
  /** Shuffle VM positions (default true). */
  readonly shuffle?: boolean;
  /** For `stencil3d-26`: wrap around (needs sides >= 4; default false). */
  readonly periodic?: boolean;
}

export interface Pattern {
  readonly class: PatternClass;
  readonly n: number;
  /** Row-major n x n traffic. */
  readonly matrix: Float64Array;
  /** The shape's undirected edges as position pairs (after shuffling). */
  readonly edges: ReadonlyArray<readonly [number, number]>;
  /** Side lengths for lattices, [dimension] for hypercubes, [arity] for trees, [servers] for bipartite. */
  readonly dims: number[];
  readonly periodic: boolean;
  /** `perm[k]` is the matrix position of the shape's canonical node k. */
  readonly perm: Int32Array;
}

/** The most nearly equal split of n into `parts` factors, each >= `min`, ascending; null if none. */
export function factorise(n: number, parts: 2 | 3, min: number): number[] | null {
  let best: number[] | null = null;
  const consider = (f: number[]): void => {
    if (f.some((x) => x < min)) return;
    const s = [...f].sort((a, b) => a - b);
    if (best === null || s[s.length - 1]! - s[0]! < best[best.length - 1]! - best[0]!) best = s;
  };
  for (let a = min; a * a <= n; a++) {
    if (n % a !== 0) continue;
    if (parts === 2) consider([a, n / a]);
    else for (let b = a; a * b * b <= n; b++) if ((n / a) % b === 0) consider([a, b, n / a / b]);
  }
  return best;
}

/** Whether a non-degenerate shape of the class exists on n VMs (the generator's rules). */
export function admissible(cls: PatternClass, n: number, periodic = false): boolean {
  if (n < 8) return false;
  switch (cls) {
    case "mesh2d":
    case "torus2d":
      return factorise(n, 2, 3) !== null;
    case "torus3d":
    case "stencil3d-6":
      return factorise(n, 3, 3) !== null;
    case "stencil3d-26":
      return factorise(n, 3, periodic ? 4 : 3) !== null;
    case "hypercube":
      return (n & (n - 1)) === 0;
    default:
      return true;
  }
}

interface Shape {
  edges: Array<[number, number]>;
  dims: number[];
  periodic: boolean;
}

function latticeEdges(dims: readonly number[], periodic: boolean, chebyshev: boolean): Array<[number, number]> {
  const D = dims.length;
  const n = dims.reduce((a, b) => a * b, 1);
  const stride = dims.map((_, k) => dims.slice(k + 1).reduce((a, b) => a * b, 1));
  const offsets: number[][] = [];
  const rec = (prefix: number[]): void => {
    if (prefix.length === D) {
      if (prefix.some((x) => x !== 0) && (chebyshev || prefix.reduce((a, x) => a + Math.abs(x), 0) === 1)) offsets.push(prefix);
      return;
    }
    for (const d of [-1, 0, 1]) rec([...prefix, d]);
  };
  rec([]);
  const set = new Set<number>();
  const out: Array<[number, number]> = [];
  for (let v = 0; v < n; v++) {
    const c = dims.map((L, k) => Math.floor(v / stride[k]!) % L);
    for (const off of offsets) {
      let w = 0;
      let ok = true;
      for (let k = 0; k < D; k++) {
        let x = c[k]! + off[k]!;
        if (x < 0 || x >= dims[k]!) {
          if (!periodic) ok = false;
          x = (x + dims[k]!) % dims[k]!;
        }
        w += x * stride[k]!;
      }
      if (!ok || w === v) continue;
      const a = Math.min(v, w);
      const b = Math.max(v, w);
      if (!set.has(a * n + b)) {
        set.add(a * n + b);
        out.push([a, b]);
      }
    }
  }
  return out;
}

function shapeOf(cls: PatternClass, n: number, rng: Rng, periodic26: boolean): Shape {
  const edges: Array<[number, number]> = [];
  switch (cls) {
    case "line":
      for (let i = 0; i + 1 < n; i++) edges.push([i, i + 1]);
      return { edges, dims: [n], periodic: false };
    case "ring":
      for (let i = 0; i < n; i++) edges.push([i, (i + 1) % n]);
      return { edges, dims: [n], periodic: true };
    case "star":
      for (let i = 1; i < n; i++) edges.push([0, i]);
      return { edges, dims: [n], periodic: false };
    case "all-to-all":
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) edges.push([i, j]);
      return { edges, dims: [n], periodic: false };
    case "tree": {
      const arity = 2 + rng.int(2);
      for (let i = 1; i < n; i++) edges.push([Math.floor((i - 1) / arity), i]);
      return { edges, dims: [arity], periodic: false };
    }
    case "bipartite": {
      const servers = 2 + rng.int(Math.max(1, Math.floor(n / 4) - 1));
      for (let s = 0; s < servers; s++) for (let c = servers; c < n; c++) edges.push([s, c]);
      return { edges, dims: [servers], periodic: false };
    }
    case "hypercube": {
      const dim = Math.round(Math.log2(n));
      for (let v = 0; v < n; v++) for (let b = 0; b < dim; b++) if ((v ^ (1 << b)) > v) edges.push([v, v ^ (1 << b)]);
      return { edges, dims: [dim], periodic: false };
    }
    case "mesh2d":
    case "torus2d": {
      const dims = factorise(n, 2, 3)!;
      const periodic = cls === "torus2d";
      return { edges: latticeEdges(dims, periodic, false), dims, periodic };
    }
    case "torus3d":
    case "stencil3d-6": {
      const dims = factorise(n, 3, 3)!;
      const periodic = cls === "torus3d";
      return { edges: latticeEdges(dims, periodic, false), dims, periodic };
    }
    case "stencil3d-26": {
      const dims = factorise(n, 3, periodic26 ? 4 : 3)!;
      return { edges: latticeEdges(dims, periodic26, true), dims, periodic: periodic26 };
    }
  }
}

/** Generates the class's pattern on n VMs (see {@link admissible}); throws RangeError if none exists. */
export function generatePattern(cls: PatternClass, n: number, rng: Rng, options: PatternOptions = {}): Pattern {
  const periodic26 = options.periodic ?? false;
  if (!admissible(cls, n, periodic26)) throw new RangeError(`no ${cls} pattern on ${n} VMs`);
  const noise = options.noise ?? 0;
  const nominal = options.nominal ?? 1;
  const level = options.backgroundLevel ?? 0.2;
  const shape = shapeOf(cls, n, rng, periodic26);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  if (options.shuffle ?? true) {
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
    }
  }
  const matrix = new Float64Array(n * n);
  const edges = shape.edges.map(([a, b]) => [perm[a]!, perm[b]!] as const);
  for (const [a, b] of edges) {
    matrix[a * n + b]! += nominal * (1 + noise * (2 * rng.next() - 1));
    matrix[b * n + a]! += nominal * (1 + noise * (2 * rng.next() - 1));
  }
  const pairs = Math.round((options.background ?? 0) * n * (n - 1));
  for (let k = 0; k < pairs; k++) {
    const i = rng.int(n);
    let j = rng.int(n - 1);
    if (j >= i) j++;
    matrix[i * n + j]! += nominal * level * (1 - rng.next());
  }
  return { class: cls, n, matrix, edges, dims: shape.dims, periodic: shape.periodic, perm };
}
