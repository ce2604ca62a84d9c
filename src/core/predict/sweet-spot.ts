/**
 * The sweet-spot search of Qiao, Skicewicz & Dinda ("An empirical study of the multiscale predictability of
 * network traffic", HPDC 2004): view a series at resolutions 2^j times coarser, either by binning (means of 2^j
 * consecutive samples) or by the level-j wavelet approximation (D8 in the paper), fit a predictor at each, and
 * measure the one-step-ahead MSE relative to the variance of the signal at that resolution. Predictability often
 * improves as the resolution coarsens up to a point and then worsens; the resolution with the lowest ratio is
 * the series' sweet spot.
 */
import { ConfigError, VadaptError } from "../errors.js";
import { approximationSeries } from "./multiscale.js";
import { fitPredictor } from "./predictor.js";
import { formatSpec, parseSpec, type ModelSpec } from "./spec.js";
import { variance } from "./stats.js";
import type { WaveletName } from "./wavelet.js";

/** Options of {@link sweetSpot}. */
export interface SweetSpotOptions {
  /** `bin`: means of 2^j samples; `wavelet`: the level-j approximation signal. */
  readonly method: "bin" | "wavelet";
  /** Wavelet for the `wavelet` method (default d8, as the paper). */
  readonly wavelet?: WaveletName;
  /** The predictor fitted at every resolution (default ar:8). */
  readonly model?: ModelSpec;
  /** The coarsest level tried (default: until fewer than minSamples remain). */
  readonly maxLevel?: number;
  /** The fewest samples a resolution needs to be scored (default 64). */
  readonly minSamples?: number;
  /** Fraction of each resolution's series used to fit (default 0.5). */
  readonly trainFraction?: number;
}

/** One-step predictability at one resolution (Qiao, Skicewicz & Dinda, HPDC 2004). */
export interface ResolutionScore {
  /** 0 is the series itself. */
  readonly level: number;
  /** Samples of the original series per coarse sample (2^level). */
  readonly blockSamples: number;
  /** Length of the coarse series. */
  readonly samples: number;
  /** Variance of the coarse test part. */
  readonly variance: number;
  /** One-step-ahead MSE on the coarse test part. */
  readonly mse: number;
  /** mse / variance (NaN if the model could not be fitted). */
  readonly ratio: number;
  readonly error?: string;
}

/** Scores at every resolution tried and the best one. */
export interface SweetSpot {
  readonly method: "bin" | "wavelet";
  readonly model: string;
  readonly levels: readonly ResolutionScore[];
  /** The level with the lowest ratio, or null if none could be scored. */
  readonly best: ResolutionScore | null;
}

/** Means of consecutive blocks of `size` samples (a trailing partial block is dropped). */
export function binMeans(x: ArrayLike<number>, size: number): Float64Array {
  const m = Math.floor(x.length / size);
  const out = new Float64Array(m);
  for (let b = 0; b < m; b++) {
    let s = 0;
    for (let t = b * size; t < (b + 1) * size; t++) s += x[t]!;
    out[b] = s / size;
  }
  return out;
}

/** Scores one-step predictability at every resolution and returns the sweet spot. */
export function sweetSpot(x: ArrayLike<number>, options: SweetSpotOptions): SweetSpot {
  const model = options.model ?? parseSpec("ar:8");
  if (model.kind === "arx") throw new ConfigError("sweet spot", ["needs a model without inputs"]);
  const minSamples = options.minSamples ?? 64;
  const frac = options.trainFraction ?? 0.5;
  const name = options.wavelet ?? "d8";
  const levels: ResolutionScore[] = [];
  for (let level = 0; options.maxLevel === undefined || level <= options.maxLevel; level++) {
    const block = 2 ** level;
    const coarse = level === 0 ? Float64Array.from(x) : options.method === "bin" ? binMeans(x, block) : approximationSeries(x, name, level);
    if (coarse.length < minSamples) break;
    const train = Math.floor(coarse.length * frac);
    const test = coarse.subarray(train);
    const v = variance(test);
    try {
      const p = fitPredictor(model, coarse.subarray(0, train));
      let s = 0;
      for (let t = 0; t < test.length; t++) {
        const e = test[t]! - p.predict(1).values[0]!;
        s += e * e;
        p.step(test[t]!);
      }
      const mse = s / test.length;
      levels.push({ level, blockSamples: block, samples: coarse.length, variance: v, mse, ratio: v > 0 ? mse / v : Number.NaN });
    } catch (e) {
      if (!(e instanceof VadaptError) || e.code !== "E_BAD_CONFIG") throw e;
      levels.push({ level, blockSamples: block, samples: coarse.length, variance: v, mse: Number.NaN, ratio: Number.NaN, error: e.message });
    }
  }
  let best: ResolutionScore | null = null;
  for (const l of levels) if (!Number.isNaN(l.ratio) && (best === null || l.ratio < best.ratio)) best = l;
  return { method: options.method, model: formatSpec(model), levels, best };
}
