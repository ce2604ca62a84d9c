/**
 * Topology classification of a traffic matrix (VTTIF: Gupta & Dinda, JSSPP 2004; Gupta et al., IPDPS 2006):
 * prune light pairs (prune.ts), recognise the remaining graph's shape exactly (shapes.ts), and score it.
 *
 * Confidence = fit x separation, where fit is the share of active VMs (those with any traffic above the floor)
 * that the shape covers, and separation is how cleanly the cut splits kept from pruned pairs (prune.ts). With the
 * automatic threshold every candidate cut is classified and the match with the highest confidence wins (ties:
 * more traffic covered); a match below `minConfidence` is not trusted and the answer is `unknown`, whose
 * confidence is the cleanest cut's separation x (1 - the best rejected match's confidence).
 */
import { autoCuts, fixedCut, keptPairs, pairWeights, PRUNE_DEFAULTS, type Cut, type PairWeights } from "./prune.js";
import { recogniseShapes, type ShapeMapping, type TopologyClass } from "./shapes.js";
import { buildUGraph, componentCount, degree, type UGraph } from "./ugraph.js";

export interface ClassifyOptions {
  /** Fixed cut at this fraction of the heaviest pair; absent: automatic cut. */
  readonly threshold?: number;
  readonly floor?: number;
  readonly minGapRatio?: number;
  readonly gaps?: number;
  /** Below this a match is reported as unknown (default 0.3). */
  readonly minConfidence?: number;
}

export interface GraphSummary {
  /** VMs with any traffic above the floor. */
  readonly activeVms: number;
  /** VMs with at least one kept pair. */
  readonly nodes: number;
  readonly edges: number;
  readonly components: number;
  readonly minDegree: number;
  readonly maxDegree: number;
  /** The commonest position offsets (b - a) of kept pairs: the stencil when positions are ranks. */
  readonly positionOffsets: ReadonlyArray<{ readonly offset: number; readonly pairs: number }>;
}

export interface Classification {
  readonly class: TopologyClass;
  readonly confidence: number;
  readonly fit: number;
  readonly separation: number;
  /** Share of all traffic on kept pairs. */
  readonly coverage: number;
  readonly cut: Cut;
  /** Null for `unknown`. */
  readonly mapping: ShapeMapping | null;
  /** Other classes the same graph is exactly (isomorphic shapes). */
  readonly alternatives: TopologyClass[];
  /**
   * Direction of flow: for a line, the share of its traffic going forward along `mapping.order` (the order is
   * oriented so that this is >= 0.5; >= 0.9 is a one-way pipeline); for a star, the share sent by the centre.
   */
  readonly flowShare: number | null;
  readonly graph: GraphSummary;
  /** The kept pairs (positions, a < b). */
  readonly kept: { readonly a: Int32Array; readonly b: Int32Array; readonly count: number };
}

function summarise(g: UGraph, active: number, kept: { a: Int32Array; b: Int32Array; count: number }): GraphSummary {
  let nodes = 0;
  let minDegree = Infinity;
  let maxDegree = 0;
  for (let v = 0; v < g.n; v++) {
    const d = degree(g, v);
    if (d === 0) continue;
    nodes++;
    minDegree = Math.min(minDegree, d);
    maxDegree = Math.max(maxDegree, d);
  }
  const offsets = new Map<number, number>();
  for (let k = 0; k < kept.count; k++) {
    const o = kept.b[k]! - kept.a[k]!;
    offsets.set(o, (offsets.get(o) ?? 0) + 1);
  }
  const positionOffsets = [...offsets.entries()]
    .sort((x, y) => y[1] - x[1] || x[0] - y[0])
    .slice(0, 8)
    .map(([offset, pairs]) => ({ offset, pairs }));
  return { activeVms: active, nodes, edges: g.edges, components: componentCount(g), minDegree: nodes > 0 ? minDegree : 0, maxDegree, positionOffsets };
}

function coveredVms(m: ShapeMapping): number {
  switch (m.kind) {
    case "ring":
    case "line":
      return m.order.length;
    case "star":
      return m.leaves.length + 1;
    case "bipartite":
      return m.servers.length + m.clients.length;
    default:
      return m.nodes.length;
  }
}

/** Orients a line along its dominant flow, and measures a star's outward share. */
function flow(mapping: ShapeMapping, matrix: Float64Array, n: number): { mapping: ShapeMapping; share: number | null } {
  if (mapping.kind === "line") {
    let fwd = 0;
    let back = 0;
    for (let k = 0; k + 1 < mapping.order.length; k++) {
      const a = mapping.order[k]!;
      const b = mapping.order[k + 1]!;
      fwd += matrix[a * n + b]!;
      back += matrix[b * n + a]!;
    }
    const total = fwd + back;
    if (back > fwd) return { mapping: { kind: "line", order: [...mapping.order].reverse() }, share: total > 0 ? back / total : 0.5 };
    return { mapping, share: total > 0 ? fwd / total : 0.5 };
  }
  if (mapping.kind === "star") {
    let out = 0;
    let back = 0;
    const c = mapping.centre;
    for (const l of mapping.leaves) {
      out += matrix[c * n + l]!;
      back += matrix[l * n + c]!;
    }
    return { mapping, share: out + back > 0 ? out / (out + back) : 0.5 };
  }
  return { mapping, share: null };
}

/**
 * A cheap necessary condition for any class, from the degree sequence of the kept pairs alone: sparse (at most 26
 * neighbours, as in every lattice, tree or ring), a star, complete, or complete bipartite (at most two distinct
 * degrees). Dense cuts that pass none of these (pairs of a background) skip building the graph.
 */
function mayBeAShape(n: number, kept: { a: Int32Array; b: Int32Array; count: number }): boolean {
  const deg = new Int32Array(n);
  for (let k = 0; k < kept.count; k++) {
    deg[kept.a[k]!]!++;
    deg[kept.b[k]!]!++;
  }
  let N = 0;
  let maxDeg = 0;
  const degrees = new Set<number>();
  for (let v = 0; v < n; v++) {
    const d = deg[v]!;
    if (d === 0) continue;
    N++;
    maxDeg = Math.max(maxDeg, d);
    if (degrees.size <= 2) degrees.add(d);
  }
  const E = kept.count;
  return maxDeg <= 26 || E === N - 1 || E === (N * (N - 1)) / 2 || degrees.size <= 2;
}

function activeVms(pw: PairWeights, floorRel: number): number {
  const floor = floorRel * (pw.sorted[0] ?? 0);
  const seen = new Uint8Array(pw.n);
  let count = 0;
  for (let k = 0; k < pw.w.length; k++) {
    if (pw.w[k]! < floor || pw.w[k]! === 0) continue;
    seen[pw.a[k]!] = 1;
    seen[pw.b[k]!] = 1;
  }
  for (let v = 0; v < pw.n; v++) count += seen[v]!;
  return count;
}

/** Classifies a row-major n x n traffic matrix (any unit: bytes or Mbit/s). */
export function classifyTraffic(matrix: Float64Array, n: number, options: ClassifyOptions = {}): Classification {
  const pw = pairWeights(matrix, n);
  return classifyPairs(pw, matrix, options);
}

/** As {@link classifyTraffic}, from already collected pair weights. */
export function classifyPairs(pw: PairWeights, matrix: Float64Array, options: ClassifyOptions = {}): Classification {
  const n = pw.n;
  const floorRel = options.floor ?? PRUNE_DEFAULTS.floor;
  const minConfidence = options.minConfidence ?? 0.3;
  const active = activeVms(pw, floorRel);
  const cuts =
    options.threshold !== undefined
      ? pw.sorted.length > 0
        ? [fixedCut(pw, options.threshold)]
        : []
      : autoCuts(pw, { floor: floorRel, minGapRatio: options.minGapRatio ?? PRUNE_DEFAULTS.minGapRatio, gaps: options.gaps ?? PRUNE_DEFAULTS.gaps });
  if (cuts.length === 0) {
    const empty = { a: new Int32Array(0), b: new Int32Array(0), count: 0 };
    const g = buildUGraph(n, empty.a, empty.b, 0);
    return {
      class: "unknown",
      confidence: 0,
      fit: 0,
      separation: 0,
      coverage: 0,
      cut: { threshold: 0, relative: 0, kept: 0, separation: 0, rule: options.threshold !== undefined ? "fixed" : "floor" },
      mapping: null,
      alternatives: [],
      flowShare: null,
      graph: summarise(g, active, empty),
      kept: empty,
    };
  }
  interface Trial {
    cut: Cut;
    graph: () => UGraph;
    kept: ReturnType<typeof keptPairs>;
    coverage: number;
    matches: ReturnType<typeof recogniseShapes>;
    fit: number;
    confidence: number;
  }
  const trials: Trial[] = cuts.map((cut) => {
    const kept = keptPairs(pw, cut);
    let g: UGraph | null = null;
    const graph = (): UGraph => (g ??= buildUGraph(n, kept.a, kept.b, kept.count));
    let keptWeight = 0;
    for (let k = 0; k < cut.kept; k++) keptWeight += pw.sorted[k]!;
    const matches = mayBeAShape(n, kept) ? recogniseShapes(graph()) : [];
    const fit = matches.length > 0 && active > 0 ? coveredVms(matches[0]!.mapping) / active : 0;
    return { cut, graph, kept, coverage: pw.total > 0 ? keptWeight / pw.total : 0, matches, fit, confidence: fit * cut.separation };
  });
  let best: Trial | null = null;
  for (const t of trials) {
    if (t.matches.length === 0) continue;
    if (best === null || t.confidence > best.confidence + 1e-12 || (Math.abs(t.confidence - best.confidence) <= 1e-12 && t.coverage > best.coverage)) best = t;
  }
  if (best !== null && best.confidence >= minConfidence) {
    const top = best.matches[0]!;
    const f = flow(top.mapping, matrix, n);
    return {
      class: top.class,
      confidence: best.confidence,
      fit: best.fit,
      separation: best.cut.separation,
      coverage: best.coverage,
      cut: best.cut,
      mapping: f.mapping,
      alternatives: best.matches.slice(1).map((m) => m.class),
      flowShare: f.share,
      graph: summarise(best.graph(), active, best.kept),
      kept: best.kept,
    };
  }
  const clean = trials.reduce((x, y) => (y.cut.separation > x.cut.separation ? y : x));
  return {
    class: "unknown",
    confidence: clean.cut.separation * (1 - (best?.confidence ?? 0)),
    fit: 0,
    separation: clean.cut.separation,
    coverage: clean.coverage,
    cut: clean.cut,
    mapping: null,
    alternatives: [],
    flowShare: null,
    graph: summarise(clean.graph(), active, clean.kept),
    kept: clean.kept,
  };
}
