/**
 * Traffic change detection with damping (VTTIF's "is this change big enough to re-adapt?"; Gupta & Dinda,
 * JSSPP 2004, and Gupta et al., IPDPS 2006, where VTTIF reports a new topology only after the change persists).
 *
 * The reference is the mean rate matrix of the current phase. Each interval is compared with it by
 * - **shape distance**: total variation between the two matrices normalised to sum 1, in [0, 1]
 *   (0: same mix of pairs; 1: disjoint pairs);
 * - **level ratio**: the interval's total rate over the reference's (a change of load at the same shape).
 * An interval is a *candidate* if shape distance > `shapeThreshold` or the level ratio is outside
 * [1/`levelRatio`, `levelRatio`]. **Damping (hysteresis):** a change is declared only after `hold` consecutive
 * candidates, and not before the current phase has lasted `minPhase` intervals; the new phase starts at the
 * first candidate, and its reference is the mean of the candidates. A shorter run of candidates is a blip: it is
 * counted and left out of the reference (an outlier must not drag the phase's mean), though the phase tracker
 * still counts its traffic in the phase. Reaction time = intervals from the new phase's first interval to
 * the declaration, inclusive (= `hold` for an abrupt change on unsmoothed input).
 */
import { z } from "zod";
import { growSquare } from "./smooth.js";

export const ChangeOptions = z.object({
  shapeThreshold: z.number().gt(0).max(1).default(0.3),
  levelRatio: z.number().gt(1).default(2),
  hold: z.number().int().positive().default(3),
  minPhase: z.number().int().nonnegative().default(3),
});
export type ChangeOptions = z.infer<typeof ChangeOptions>;
export type ChangeOptionsInput = z.input<typeof ChangeOptions>;

export interface ChangeEvent {
  /** First interval (step number) of the new phase. */
  readonly startStep: number;
  /** The step at which the change was declared. */
  readonly declaredStep: number;
  /** declaredStep - startStep + 1. */
  readonly reactionIntervals: number;
  /** Shape distance and level ratio of the new phase's mean against the old reference. */
  readonly shapeDistance: number;
  readonly levelRatio: number;
  readonly reason: "shape" | "level" | "shape+level";
}

export interface ChangeStep {
  readonly step: number;
  readonly shapeDistance: number;
  readonly levelRatio: number;
  readonly candidate: boolean;
  /** Candidates that turned out to be a blip at this step (they stay in the current phase). */
  readonly absorbed: number;
  readonly change: ChangeEvent | null;
}

/** Shape distance (total variation of normalised matrices) and level ratio of x against a reference. */
export function compare(x: Float64Array, ref: Float64Array): { shapeDistance: number; levelRatio: number } {
  let sx = 0;
  let sr = 0;
  for (let i = 0; i < x.length; i++) {
    sx += x[i]!;
    sr += ref[i]!;
  }
  if (sx === 0 && sr === 0) return { shapeDistance: 0, levelRatio: 1 };
  if (sx === 0 || sr === 0) return { shapeDistance: 1, levelRatio: sx === 0 ? 0 : Infinity };
  let tv = 0;
  const ax = 1 / sx;
  const ar = 1 / sr;
  for (let i = 0; i < x.length; i++) tv += Math.abs(x[i]! * ax - ref[i]! * ar);
  return { shapeDistance: tv / 2, levelRatio: sx / sr };
}

/** The streaming detector: push one (smoothed) rate matrix per interval. */
export class ChangeDetector {
  readonly options: ChangeOptions;
  private n = 0;
  private step = -1;
  private refSum: Float64Array | null = null;
  private refCount = 0;
  private phaseStart = 0;
  private pending: Float64Array[] = [];
  private pendingStart = -1;
  /** Blips absorbed so far (candidate runs shorter than `hold`). */
  blips = 0;

  constructor(options: ChangeOptionsInput = {}) {
    this.options = ChangeOptions.parse(options);
  }

  push(rates: Float64Array, n: number): ChangeStep {
    this.step++;
    if (n !== this.n) {
      if (this.refSum !== null) this.refSum = growSquare(this.refSum, this.n, n);
      this.pending = this.pending.map((p) => growSquare(p, this.n, n));
      this.n = n;
    }
    if (this.refSum === null) {
      this.refSum = rates.slice();
      this.refCount = 1;
      this.phaseStart = this.step;
      return { step: this.step, shapeDistance: 0, levelRatio: 1, candidate: false, absorbed: 0, change: null };
    }
    const ref = this.refSum;
    const mean = new Float64Array(ref.length);
    for (let i = 0; i < ref.length; i++) mean[i] = ref[i]! / this.refCount;
    const { shapeDistance, levelRatio } = compare(rates, mean);
    const o = this.options;
    const candidate =
      this.step - this.phaseStart >= o.minPhase && (shapeDistance > o.shapeThreshold || levelRatio > o.levelRatio || levelRatio < 1 / o.levelRatio);
    if (!candidate) {
      const absorbed = this.pending.length;
      if (absorbed > 0) this.blips++;
      for (let i = 0; i < ref.length; i++) ref[i]! += rates[i]!;
      this.refCount++;
      this.pending = [];
      return { step: this.step, shapeDistance, levelRatio, candidate: false, absorbed, change: null };
    }
    if (this.pending.length === 0) this.pendingStart = this.step;
    this.pending.push(rates);
    if (this.pending.length < o.hold) return { step: this.step, shapeDistance, levelRatio, candidate: true, absorbed: 0, change: null };
    const next = new Float64Array(ref.length);
    for (const p of this.pending) for (let i = 0; i < next.length; i++) next[i]! += p[i]!;
    const newMean = next.map((v) => v / this.pending.length);
    const whole = compare(newMean, mean);
    const shape = whole.shapeDistance > o.shapeThreshold;
    const level = whole.levelRatio > o.levelRatio || whole.levelRatio < 1 / o.levelRatio;
    const change: ChangeEvent = {
      startStep: this.pendingStart,
      declaredStep: this.step,
      reactionIntervals: this.step - this.pendingStart + 1,
      shapeDistance: whole.shapeDistance,
      levelRatio: whole.levelRatio,
      reason: shape && level ? "shape+level" : level ? "level" : "shape",
    };
    this.refSum = next;
    this.refCount = this.pending.length;
    this.phaseStart = this.pendingStart;
    this.pending = [];
    return { step: this.step, shapeDistance, levelRatio, candidate: true, absorbed: 0, change };
  }
}
