/**
 * Normalising and pruning the traffic matrix before classification (VTTIF, Gupta & Dinda JSSPP 2004: "prune
 * edges whose weight is below a fraction of the heaviest edge").
 *
 * The rule: the undirected weight of a VM pair is the traffic both ways, `w(i,j) = r(i,j) + r(j,i)`; normalised
 * by the heaviest pair, `w / max w`. A **fixed cut** keeps every pair with `w >= threshold * max w`. The
 * **automatic cut** looks for where the sorted weights fall off a cliff: the candidates are the largest gaps
 * between consecutive sorted weights on a log scale (only gaps where the weight drops by at least
 * `minGapRatio`), Otsu's two-class split of the log weights, and "keep everything above the floor"; the
 * classifier tries each and keeps the best (see classify.ts). Pairs below `floor * max w` are never kept.
 */

/** The nonzero undirected pair weights of a matrix. */
export interface PairWeights {
  readonly n: number;
  /** Pair k is (a[k], b[k]) with a < b and weight w[k] > 0. */
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly w: Float64Array;
  /** All weights, descending. */
  readonly sorted: Float64Array;
  /** Sum of all weights. */
  readonly total: number;
}

/** A cut: keep the pairs with weight >= `threshold`. */
export interface Cut {
  /** Absolute weight threshold. */
  readonly threshold: number;
  /** threshold / heaviest weight. */
  readonly relative: number;
  /** Pairs kept. */
  readonly kept: number;
  /** 1 - (heaviest pruned weight / lightest kept weight): 1 for a clean cut, 0 for a cut through equal weights. */
  readonly separation: number;
  /** How the cut was chosen. */
  readonly rule: "fixed" | "gap" | "otsu" | "floor";
}

export const PRUNE_DEFAULTS = {
  /** Fixed cut: keep pairs >= 10% of the heaviest. */
  threshold: 0.1,
  /** Never keep pairs below 0.1% of the heaviest. */
  floor: 1e-3,
  /** A gap counts only if the weight drops by this factor. */
  minGapRatio: 1.5,
  /** How many of the largest gaps become candidates. */
  gaps: 4,
} as const;

/** Collects the nonzero undirected pair weights of a row-major n x n matrix (diagonal ignored). */
export function pairWeights(matrix: Float64Array, n: number): PairWeights {
  let cap = 1024;
  let a = new Int32Array(cap);
  let b = new Int32Array(cap);
  let w = new Float64Array(cap);
  let m = 0;
  let total = 0;
  // Square tiles keep the transposed reads (matrix[j * n + i]) in cache.
  const T = 64;
  for (let bi = 0; bi < n; bi += T) {
    const ei = Math.min(n, bi + T);
    for (let bj = bi; bj < n; bj += T) {
      const ej = Math.min(n, bj + T);
      for (let i = bi; i < ei; i++) {
        const row = i * n;
        for (let j = Math.max(bj, i + 1); j < ej; j++) {
          const x = matrix[row + j]! + matrix[j * n + i]!;
          if (x <= 0) continue;
          if (m === cap) {
            cap *= 2;
            const a2 = new Int32Array(cap);
            a2.set(a);
            a = a2;
            const b2 = new Int32Array(cap);
            b2.set(b);
            b = b2;
            const w2 = new Float64Array(cap);
            w2.set(w);
            w = w2;
          }
          a[m] = i;
          b[m] = j;
          w[m] = x;
          m++;
          total += x;
        }
      }
    }
  }
  const wf = w.slice(0, m);
  const sorted = wf.slice().sort().reverse();
  return { n, a: a.slice(0, m), b: b.slice(0, m), w: wf, sorted, total };
}

/** The cut that keeps the `kept` heaviest weights (ties at the boundary are kept together). */
function cutAt(pw: PairWeights, kept: number, rule: Cut["rule"]): Cut {
  const s = pw.sorted;
  const max = s[0] ?? 0;
  const threshold = s[kept - 1] ?? max;
  let k = kept;
  while (k < s.length && s[k]! >= threshold) k++;
  const below = s[k] ?? 0;
  return { threshold, relative: max > 0 ? threshold / max : 0, kept: k, separation: threshold > 0 ? 1 - below / threshold : 0, rule };
}

/** The fixed cut: keep pairs with weight >= `relative` * heaviest. */
export function fixedCut(pw: PairWeights, relative: number = PRUNE_DEFAULTS.threshold): Cut {
  const s = pw.sorted;
  const max = s[0] ?? 0;
  const t = relative * max;
  let kept = 0;
  while (kept < s.length && s[kept]! >= t) kept++;
  const c = cutAt(pw, Math.max(1, kept), "fixed");
  return { ...c, relative };
}

export interface AutoCutOptions {
  readonly floor?: number;
  readonly minGapRatio?: number;
  readonly gaps?: number;
}

/** Candidate cuts for the automatic threshold, best gap first, distinct by pairs kept. */
export function autoCuts(pw: PairWeights, options: AutoCutOptions = {}): Cut[] {
  const s = pw.sorted;
  if (s.length === 0) return [];
  const floor = (options.floor ?? PRUNE_DEFAULTS.floor) * s[0]!;
  const minGap = Math.log(options.minGapRatio ?? PRUNE_DEFAULTS.minGapRatio);
  let m = 0;
  while (m < s.length && s[m]! >= floor) m++;
  const logs = new Float64Array(m);
  for (let k = 0; k < m; k++) logs[k] = Math.log(s[k]!);
  const gaps: Array<{ k: number; gap: number }> = [];
  for (let k = 1; k < m; k++) {
    const gap = logs[k - 1]! - logs[k]!;
    if (gap >= minGap) gaps.push({ k, gap });
  }
  gaps.sort((x, y) => y.gap - x.gap || x.k - y.k);
  const out: Cut[] = [];
  const seen = new Set<number>();
  const add = (c: Cut): void => {
    if (!seen.has(c.kept)) {
      seen.add(c.kept);
      out.push(c);
    }
  };
  for (const g of gaps.slice(0, options.gaps ?? PRUNE_DEFAULTS.gaps)) add(cutAt(pw, g.k, "gap"));
  const otsu = otsuSplit(logs);
  if (otsu > 0) add(cutAt(pw, otsu, "otsu"));
  add(cutAt(pw, m, "floor"));
  return out;
}

/** Otsu's threshold on descending log weights: how many to keep (0 if fewer than 2). */
export function otsuSplit(logs: Float64Array): number {
  const m = logs.length;
  if (m < 2) return 0;
  let sumAll = 0;
  for (let k = 0; k < m; k++) sumAll += logs[k]!;
  let sumTop = 0;
  let best = -1;
  let bestK = 0;
  for (let k = 1; k < m; k++) {
    sumTop += logs[k - 1]!;
    if (logs[k - 1] === logs[k]) continue;
    const mu0 = sumTop / k;
    const mu1 = (sumAll - sumTop) / (m - k);
    const between = k * (m - k) * (mu0 - mu1) ** 2;
    if (between > best) {
      best = between;
      bestK = k;
    }
  }
  return bestK;
}

/** The pairs a cut keeps, as parallel arrays of positions. */
export function keptPairs(pw: PairWeights, cut: Cut): { a: Int32Array; b: Int32Array; count: number } {
  const a = new Int32Array(cut.kept);
  const b = new Int32Array(cut.kept);
  let c = 0;
  for (let k = 0; k < pw.w.length && c < cut.kept; k++) {
    if (pw.w[k]! >= cut.threshold) {
      a[c] = pw.a[k]!;
      b[c] = pw.b[k]!;
      c++;
    }
  }
  return { a, b, count: c };
}
