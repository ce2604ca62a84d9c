/**
 * Multiscale prediction after Qiao, Skicewicz & Dinda, "An empirical study of the multiscale predictability of
 * network traffic" (HPDC 2004): a linear model of the wavelet approximation signal at a chosen level j, fed by a
 * streaming zero-mode DWT, so the predictor sees one coarse sample per 2^j observations.
 *
 * The approximation coefficients are scaled by 2^(-j/2) (the low-pass gain), so the coarse series is a weighted
 * moving average of the signal in the signal's units. A base-rate lead h is forecast by the coarse forecast of the
 * block that will contain it (the coefficient emitted at or after that sample); its variance is the coarse
 * forecast's variance plus the fitted mean squared deviation of samples from their block's approximation.
 */
import { ConfigError } from "../errors.js";
import type { WaveletDefinition } from "./definition.js";
import { estimateLinear } from "./estimate.js";
import { LinearPredictor } from "./linear.js";
import type { Forecast, Predictor } from "./predictor.js";
import { formatSpec, type ModelSpec } from "./spec.js";
import { StreamingDwt, wavelet, type WaveletName } from "./wavelet.js";

/**
 * Coefficients at the start of level j that depend on the zero padding before the signal (the streaming
 * transform's warm-up): w_1 = F/2 - 1, w_j = ⌈(w_{j-1} + F - 2) / 2⌉.
 */
export function warmupCoefficients(name: WaveletName, level: number): number {
  const f = wavelet(name).lo.length;
  let w = 0;
  for (let j = 1; j <= level; j++) w = Math.ceil((w + f - 2) / 2);
  return w;
}

/** The coarse series of a signal: level-j approximations scaled by 2^(-j/2), warm-up dropped (causal, streaming). */
export function approximationSeries(x: ArrayLike<number>, name: WaveletName, level: number): Float64Array {
  const out: number[] = [];
  const scale = 2 ** (-level / 2);
  const dwt = new StreamingDwt(name, level, (l, a) => {
    if (l === level) out.push(a * scale);
  });
  for (let t = 0; t < x.length; t++) dwt.push(x[t]!);
  return Float64Array.from(out.slice(warmupCoefficients(name, level)));
}

/** Fits a `wavelet:W:J:<linear>` spec. */
export function fitMultiscale(spec: Extract<ModelSpec, { kind: "wavelet" }>, x: ArrayLike<number>): WaveletDefinition {
  const block = 2 ** spec.level;
  const warm = warmupCoefficients(spec.wavelet, spec.level);
  const coarse = approximationSeries(x, spec.wavelet, spec.level);
  if (coarse.length < 4) {
    throw new ConfigError(`model ${formatSpec(spec)}`, [
      `needs at least ${(warm + 4) * block} samples to fit (the level-${spec.level} approximation has ${coarse.length} usable coefficients)`,
    ]);
  }
  const inner = estimateLinear(spec.inner, coarse);
  // Mean squared deviation of each sample from the approximation of the block it falls in.
  let s = 0;
  let count = 0;
  const firstBlock = warm;
  for (let m = 0; m < coarse.length; m++) {
    const blockIndex = firstBlock + m;
    for (let t = blockIndex * block; t < (blockIndex + 1) * block && t < x.length; t++) {
      const dev = x[t]! - coarse[m]!;
      s += dev * dev;
      count++;
    }
  }
  return {
    kind: "wavelet",
    spec: formatSpec(spec),
    wavelet: spec.wavelet,
    level: spec.level,
    withinVariance: count > 0 ? s / count : 0,
    inner,
  };
}

/** Streaming multiscale predictor for a {@link WaveletDefinition}. */
export class MultiscalePredictor implements Predictor {
  readonly definition: WaveletDefinition;
  readonly inputCount = 0;
  private readonly inner: LinearPredictor;
  private readonly dwt: StreamingDwt;
  private readonly block: number;
  private readonly scale: number;
  /** Observations since the last coarse coefficient. */
  private since = 0;
  private error = 0;

  constructor(def: WaveletDefinition) {
    this.definition = def;
    this.inner = new LinearPredictor(def.inner);
    this.block = 2 ** def.level;
    this.scale = 2 ** (-def.level / 2);
    this.dwt = new StreamingDwt(def.wavelet, def.level, (level, a) => {
      if (level === def.level) {
        this.inner.step(a * this.scale);
        this.since = 0;
      }
    });
  }

  get lastError(): number {
    return this.error;
  }

  step(observation: number): void {
    // The error against the forecast this predictor made for this sample (lead 1).
    this.error = observation - this.inner.nextValue;
    this.since++;
    this.dwt.push(observation);
  }

  predict(k: number): Forecast {
    const values = new Float64Array(k);
    const variances = new Float64Array(k);
    if (k <= 0) return { values, variances };
    const coarse = this.inner.predict(Math.ceil((k + this.since) / this.block));
    for (let h = 1; h <= k; h++) {
      const m = Math.max(1, Math.ceil((h + this.since) / this.block));
      values[h - 1] = coarse.values[m - 1]!;
      variances[h - 1] = coarse.variances[m - 1]! + this.definition.withinVariance;
    }
    return { values, variances };
  }
}
