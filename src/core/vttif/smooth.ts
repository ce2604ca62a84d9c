/**
 * Rate normalisation and smoothing of per-interval traffic matrices (VTTIF keeps a smoothed matrix over a
 * window so that one bursty interval does not redraw the topology; Gupta & Dinda, JSSPP 2004).
 *
 * - `none`: each interval's own rate.
 * - `ewma`: s_t = alpha * x_t + (1 - alpha) * s_{t-1}, starting from the first interval.
 * - `window`: the mean rate over the last `intervals` intervals (a sliding sum divided by its span).
 */
import { z } from "zod";

export const Smoothing = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("none") }),
  z.object({ kind: z.literal("ewma"), alpha: z.number().gt(0).max(1) }),
  z.object({ kind: z.literal("window"), intervals: z.number().int().positive() }),
]);
export type Smoothing = z.infer<typeof Smoothing>;

/** Bytes in an interval of `intervalMs` to Mbit/s, cell by cell (a new array). */
export function toMbps(bytes: Float64Array, intervalMs: number): Float64Array {
  const k = intervalMs > 0 ? 8 / (intervalMs * 1000) : 0;
  const out = new Float64Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i]! * k;
  return out;
}

/** Embeds a row-major n x n matrix in the top-left corner of an m x m one (m >= n); same array if m === n. */
export function growSquare(a: Float64Array, n: number, m: number): Float64Array {
  if (m === n) return a;
  const out = new Float64Array(m * m);
  for (let i = 0; i < n; i++) out.set(a.subarray(i * n, i * n + n), i * m);
  return out;
}

/** Smooths a stream of rate matrices whose size may grow (VMs are only ever appended). */
export class Smoother {
  private readonly spec: Smoothing;
  private n = 0;
  private state: Float64Array | null = null;
  private readonly window: Float64Array[] = [];
  private sum: Float64Array | null = null;

  constructor(spec: Smoothing) {
    this.spec = Smoothing.parse(spec);
  }

  /** Adds one interval's rates (n x n) and returns the smoothed rates (a new array, n x n). */
  push(rates: Float64Array, n: number): Float64Array {
    if (n < this.n) throw new RangeError(`matrix shrank from ${this.n} to ${n}`);
    const grown = n !== this.n;
    const prevN = this.n;
    this.n = n;
    switch (this.spec.kind) {
      case "none":
        return rates.slice();
      case "ewma": {
        const alpha = this.spec.alpha;
        if (this.state === null) this.state = rates.slice();
        else {
          const s = grown ? growSquare(this.state, prevN, n) : this.state;
          for (let i = 0; i < s.length; i++) s[i] = alpha * rates[i]! + (1 - alpha) * s[i]!;
          this.state = s;
        }
        return this.state.slice();
      }
      case "window": {
        // A running sum: add the new interval, subtract the one leaving the window.
        if (grown) for (let k = 0; k < this.window.length; k++) this.window[k] = growSquare(this.window[k]!, prevN, n);
        const sum = this.sum === null ? new Float64Array(n * n) : grown ? growSquare(this.sum, prevN, n) : this.sum;
        this.window.push(rates);
        for (let i = 0; i < sum.length; i++) sum[i]! += rates[i]!;
        if (this.window.length > this.spec.intervals) {
          const old = this.window.shift()!;
          for (let i = 0; i < sum.length; i++) sum[i] = Math.max(0, sum[i]! - old[i]!);
        }
        this.sum = sum;
        const k = 1 / this.window.length;
        const out = new Float64Array(n * n);
        for (let i = 0; i < out.length; i++) out[i] = sum[i]! * k;
        return out;
      }
    }
  }
}
