/**
 * The discrete wavelet transform for the multiscale predictors: Haar, D4 and D8 (Daubechies' orthogonal wavelets
 * with 2, 4 and 8 taps), multi-level, in two boundary modes, batch and streaming. Follows the streaming wavelet
 * transform of Skicewicz & Dinda's Tsunami toolkit and the multiscale study of Qiao, Skicewicz & Dinda ("An
 * empirical study of the multiscale predictability of network traffic", HPDC 2004, which used D8).
 *
 * Naming: D4 and D8 count filter taps (Daubechies' own notation); PyWavelets names them by vanishing moments,
 * so **D4 = `db2` and D8 = `db4`** there. Coefficients equal PyWavelets' `dwt`/`wavedec`:
 * - `zero` mode: the signal is zero outside [0, N); `floor((N + F - 1) / 2)` coefficients per band;
 *   `a[o] = Σ_j lo[j] x[2o + 1 - j]`. Causal, so it streams.
 * - `periodization` mode: the signal is periodic (an odd-length signal first repeats its last sample);
 *   `ceil(N / 2)` coefficients per band; `a[o] = Σ_j lo[j] x[(F/2 + 2o - j) mod N']`. Needs the whole signal.
 * Both transforms are orthogonal, so the inverse is the transpose (PyWavelets' `idwt`/`waverec`).
 */
import { ConfigError } from "../errors.js";

/** The wavelets offered: `haar` (2 taps), `d4` (4 taps, PyWavelets `db2`), `d8` (8 taps, PyWavelets `db4`). */
export const WAVELET_NAMES = ["haar", "d4", "d8"] as const;
export type WaveletName = (typeof WAVELET_NAMES)[number];

/** Boundary modes, as PyWavelets names them. */
export const WaveletMode = { Periodization: "periodization", Zero: "zero" } as const;
export type WaveletMode = (typeof WaveletMode)[keyof typeof WaveletMode];

/** An orthogonal wavelet filter bank. */
export interface Wavelet {
  readonly name: WaveletName;
  /** The PyWavelets name of the same wavelet. */
  readonly pywtName: "haar" | "db2" | "db4";
  /** Decomposition low-pass filter, in PyWavelets' `dec_lo` order; sums to √2. */
  readonly lo: Float64Array;
  /** Decomposition high-pass filter: `hi[j] = (-1)^(j+1) lo[F - 1 - j]`. */
  readonly hi: Float64Array;
}

// Daubechies' coefficients (PyWavelets dec_lo order).
const LO: Record<WaveletName, readonly number[]> = {
  haar: [0.7071067811865476, 0.7071067811865476],
  d4: [-0.12940952255126037, 0.2241438680420134, 0.8365163037378079, 0.48296291314453416],
  d8: [
    -0.010597401785069032, 0.0328830116668852, 0.030841381835560764, -0.18703481171909309, -0.027983769416859854,
    0.6308807679298589, 0.7148465705529157, 0.2303778133088965,
  ],
};
const PYWT = { haar: "haar", d4: "db2", d8: "db4" } as const;

const BANKS = new Map<WaveletName, Wavelet>();

/** The filter bank of a named wavelet. */
export function wavelet(name: WaveletName): Wavelet {
  let w = BANKS.get(name);
  if (w === undefined) {
    const lo = Float64Array.from(LO[name]);
    const f = lo.length;
    const hi = new Float64Array(f);
    for (let j = 0; j < f; j++) hi[j] = (j % 2 === 0 ? -1 : 1) * lo[f - 1 - j]!;
    w = { name, pywtName: PYWT[name], lo, hi };
    BANKS.set(name, w);
  }
  return w;
}

/** One level of a transform: approximation (low-pass) and detail (high-pass) coefficients. */
export interface DwtLevel {
  readonly approx: Float64Array;
  readonly detail: Float64Array;
}

/** Coefficients per band for a signal of length n (PyWavelets' `dwt_coeff_len`). */
export function coeffLength(n: number, filterLength: number, mode: WaveletMode): number {
  return mode === WaveletMode.Periodization ? Math.ceil(n / 2) : Math.floor((n + filterLength - 1) / 2);
}

/** The deepest useful level for a signal of length n, as PyWavelets' `dwt_max_level`: ⌊log2(n / (F - 1))⌋. */
export function maxLevel(n: number, w: Wavelet): number {
  const f = w.lo.length;
  return n < f - 1 ? 0 : Math.floor(Math.log2(n / (f - 1)));
}

/** Single-level forward DWT (PyWavelets `dwt`). */
export function dwt(x: ArrayLike<number>, w: Wavelet, mode: WaveletMode): DwtLevel {
  const n = x.length;
  const { lo, hi } = w;
  const f = lo.length;
  const k = coeffLength(n, f, mode);
  const approx = new Float64Array(k);
  const detail = new Float64Array(k);
  if (n === 0) return { approx, detail };
  if (mode === WaveletMode.Zero) {
    for (let o = 0; o < k; o++) {
      const i = 2 * o + 1;
      let a = 0;
      let d = 0;
      const jMin = Math.max(0, i - n + 1);
      const jMax = Math.min(f - 1, i);
      for (let j = jMin; j <= jMax; j++) {
        const v = x[i - j]!;
        a += lo[j]! * v;
        d += hi[j]! * v;
      }
      approx[o] = a;
      detail[o] = d;
    }
    return { approx, detail };
  }
  const np = 2 * k;
  const at = (t: number): number => {
    const m = ((t % np) + np) % np;
    return m < n ? x[m]! : x[n - 1]!;
  };
  for (let o = 0; o < k; o++) {
    const i = f / 2 + 2 * o;
    let a = 0;
    let d = 0;
    for (let j = 0; j < f; j++) {
      const v = at(i - j);
      a += lo[j]! * v;
      d += hi[j]! * v;
    }
    approx[o] = a;
    detail[o] = d;
  }
  return { approx, detail };
}

/**
 * Single-level inverse DWT (PyWavelets `idwt`): the transpose of {@link dwt}. Returns `2K` samples in
 * periodization mode and `2K - F + 2` in zero mode (K coefficients per band); for an odd-length signal the last
 * sample is padding (the repeated sample, or zero) and callers drop it.
 */
export function idwt(approx: ArrayLike<number>, detail: ArrayLike<number>, w: Wavelet, mode: WaveletMode): Float64Array {
  const k = approx.length;
  if (detail.length !== k) throw new ConfigError("idwt", [`approximation (${k}) and detail (${detail.length}) differ in length`]);
  const { lo, hi } = w;
  const f = lo.length;
  if (mode === WaveletMode.Zero) {
    const len = Math.max(0, 2 * k - f + 2);
    const y = new Float64Array(len);
    for (let o = 0; o < k; o++) {
      const i = 2 * o + 1;
      const a = approx[o]!;
      const d = detail[o]!;
      for (let j = 0; j < f; j++) {
        const t = i - j;
        if (t >= 0 && t < len) y[t]! += lo[j]! * a + hi[j]! * d;
      }
    }
    return y;
  }
  const np = 2 * k;
  const y = new Float64Array(np);
  if (np === 0) return y;
  for (let o = 0; o < k; o++) {
    const i = f / 2 + 2 * o;
    const a = approx[o]!;
    const d = detail[o]!;
    for (let j = 0; j < f; j++) {
      const t = (((i - j) % np) + np) % np;
      y[t]! += lo[j]! * a + hi[j]! * d;
    }
  }
  return y;
}

/** A multi-level decomposition. */
export interface WaveletDecomposition {
  readonly wavelet: WaveletName;
  readonly mode: WaveletMode;
  /** The approximation at the deepest level. */
  readonly approx: Float64Array;
  /** Detail coefficients, finest first: `details[j - 1]` is level j (PyWavelets lists them coarsest first). */
  readonly details: readonly Float64Array[];
  /** The input length at each level: `lengths[0]` is the signal's, `lengths[j]` the level-j approximation's. */
  readonly lengths: readonly number[];
}

/** Multi-level forward DWT (PyWavelets `wavedec(x, wavelet, mode, level)`). */
export function wavedec(x: ArrayLike<number>, name: WaveletName, levels: number, mode: WaveletMode): WaveletDecomposition {
  if (!Number.isInteger(levels) || levels < 1) throw new ConfigError("wavedec", [`level must be a positive integer, got ${levels}`]);
  const w = wavelet(name);
  const details: Float64Array[] = [];
  const lengths = [x.length];
  let a: ArrayLike<number> = x;
  for (let j = 0; j < levels; j++) {
    const r = dwt(a, w, mode);
    details.push(r.detail);
    a = r.approx;
    lengths.push(a.length);
  }
  return { wavelet: name, mode, approx: a as Float64Array, details, lengths };
}

/** Multi-level inverse (PyWavelets `waverec`), trimmed to the original length: `waverec(wavedec(x)) = x`. */
export function waverec(dec: WaveletDecomposition): Float64Array {
  const w = wavelet(dec.wavelet);
  let a: Float64Array = dec.approx;
  for (let j = dec.details.length; j >= 1; j--) {
    const y = idwt(a.length > dec.details[j - 1]!.length ? a.subarray(0, dec.details[j - 1]!.length) : a, dec.details[j - 1]!, w, dec.mode);
    a = y.subarray(0, dec.lengths[j - 1]!);
  }
  return Float64Array.from(a);
}

/** Receives coefficients from a {@link StreamingDwt}: one call per (level, index), in time order. */
export type CoefficientSink = (level: number, approx: number, detail: number) => void;

/**
 * Streaming multi-level DWT in zero mode: push samples one at a time; each level emits its approximation and
 * detail coefficient pair as soon as the last sample it depends on has arrived (level j emits once per 2^j
 * samples), and {@link flush} emits the trailing boundary coefficients. The coefficients equal
 * `wavedec(x, name, levels, 'zero')` on the samples pushed. O(F) work per sample per level; O(F) memory per level.
 * After Tsunami's streaming transform (Skicewicz & Dinda; Qiao, Skicewicz & Dinda, HPDC 2004).
 */
export class StreamingDwt {
  readonly levels: number;
  private readonly w: Wavelet;
  private readonly sink: CoefficientSink;
  /** Per level: the last F inputs, doubled so that a window is contiguous. */
  private readonly rings: Float64Array[];
  private readonly pos: Int32Array;
  private readonly counts: Float64Array;
  private flushed = false;

  constructor(name: WaveletName, levels: number, sink: CoefficientSink) {
    if (!Number.isInteger(levels) || levels < 1) throw new ConfigError("StreamingDwt", [`level must be a positive integer, got ${levels}`]);
    this.w = wavelet(name);
    this.levels = levels;
    this.sink = sink;
    const f = this.w.lo.length;
    this.rings = Array.from({ length: levels }, () => new Float64Array(2 * f));
    this.pos = new Int32Array(levels);
    this.counts = new Float64Array(levels);
  }

  /** Feeds the next sample. */
  push(x: number): void {
    if (this.flushed) throw new ConfigError("StreamingDwt", ["push after flush"]);
    this.feed(0, x);
  }

  /** Ends the signal: emits the boundary coefficients that depend on the zero padding after the end. */
  flush(): void {
    if (this.flushed) return;
    this.flushed = true;
    const f = this.w.lo.length;
    for (let level = 0; level < this.levels; level++) for (let z = 0; z < f - 1; z++) this.feed(level, 0);
  }

  private feed(level: number, x: number): void {
    const f = this.w.lo.length;
    const ring = this.rings[level]!;
    // Newest sample at pos, older ones after it: window ring[pos .. pos + F - 1] is x[i], x[i-1], ..., x[i-F+1].
    let p = this.pos[level]! - 1;
    if (p < 0) p += f;
    this.pos[level] = p;
    ring[p] = x;
    ring[p + f] = x;
    const count = ++this.counts[level]!;
    if (count % 2 !== 0) return;
    const { lo, hi } = this.w;
    let a = 0;
    let d = 0;
    for (let j = 0; j < f; j++) {
      const v = ring[p + j]!;
      a += lo[j]! * v;
      d += hi[j]! * v;
    }
    this.sink(level + 1, a, d);
    if (level + 1 < this.levels) this.feed(level + 1, a);
  }
}

/**
 * Streaming multi-level inverse of {@link StreamingDwt} (zero mode): pass it every `(level, approx, detail)`
 * the forward transform emits (the approximation is used at the deepest level only); it emits the reconstructed
 * signal in order, each sample as soon as every coefficient it depends on has arrived. After the forward
 * transform's flush it has emitted N samples, or N + 1 for an odd N (the last is the zero padding).
 */
export class StreamingIdwt {
  readonly levels: number;
  private readonly w: Wavelet;
  private readonly out: (sample: number) => void;
  /** Per level: pending detail coefficients (FIFO) and the last F/2 (approx, detail) pairs. */
  private readonly pendingDetails: number[][];
  private readonly pairsA: Float64Array[];
  private readonly pairsD: Float64Array[];
  private readonly pairCount: Float64Array;

  constructor(name: WaveletName, levels: number, out: (sample: number) => void) {
    if (!Number.isInteger(levels) || levels < 1) throw new ConfigError("StreamingIdwt", [`level must be a positive integer, got ${levels}`]);
    this.w = wavelet(name);
    this.levels = levels;
    this.out = out;
    const f = this.w.lo.length;
    this.pendingDetails = Array.from({ length: levels }, () => []);
    this.pairsA = Array.from({ length: levels }, () => new Float64Array(f));
    this.pairsD = Array.from({ length: levels }, () => new Float64Array(f));
    this.pairCount = new Float64Array(levels);
  }

  /** Takes one coefficient pair as emitted by {@link StreamingDwt}. */
  push(level: number, approx: number, detail: number): void {
    if (!Number.isInteger(level) || level < 1 || level > this.levels) throw new ConfigError("StreamingIdwt", [`level ${level} is not in 1..${this.levels}`]);
    this.pendingDetails[level - 1]!.push(detail);
    if (level === this.levels) this.approx(level, approx);
  }

  /** An approximation coefficient of `level` arrives (from the caller at the deepest level, else reconstructed). */
  private approx(level: number, a: number): void {
    const queue = this.pendingDetails[level - 1]!;
    const d = queue.shift();
    if (d === undefined) return; // reconstructed padding beyond the last detail: not part of the signal
    const f = this.w.lo.length;
    const o = this.pairCount[level - 1]!++;
    const slot = o % f;
    this.pairsA[level - 1]![slot] = a;
    this.pairsD[level - 1]![slot] = d;
    // Outputs n = 2o - F + 2 and 2o - F + 3 are complete once pair o has arrived.
    for (let n = 2 * o - f + 2; n <= 2 * o - f + 3; n++) {
      if (n < 0) continue;
      const y = this.sample(level, n, o);
      if (level === 1) this.out(y);
      else this.approx(level - 1, y);
    }
  }

  private sample(level: number, n: number, newest: number): number {
    const { lo, hi } = this.w;
    const f = lo.length;
    const as = this.pairsA[level - 1]!;
    const ds = this.pairsD[level - 1]!;
    let y = 0;
    const oMin = Math.max(0, Math.ceil((n - 1) / 2));
    for (let o = oMin; o <= newest; o++) {
      const j = 2 * o + 1 - n;
      if (j >= f) break;
      y += lo[j]! * as[o % f]! + hi[j]! * ds[o % f]!;
    }
    return y;
  }
}
