/**
 * Fitted model definitions: what `vadapt predict --save` writes to `models/*.json` and `--load` reads back
 * (documented in models/README.md). Plain JSON numbers; the predictors convert them to Float64Array.
 */
import { z } from "zod";
import { WAVELET_NAMES } from "./wavelet.js";

const finite = z.number().refine(Number.isFinite, "must be a finite number");
const nonNeg = finite.refine((v) => v >= 0, "must be >= 0");

/**
 * A (differenced) ARMA model, which covers MEAN, LAST, BM, AR, MA, ARMA and ARIMA:
 * `φ(B) (∇^d x_t - μ) = θ(B) e_t`, `Var e_t = σ²` (Box & Jenkins; the RPS model family of Dinda & O'Hallaron).
 */
export const LinearDefinition = z.object({
  kind: z.literal("linear"),
  /** The model spec it was fitted from, e.g. `ar:16` (grammar: docs/prediction.md). */
  spec: z.string().min(1),
  /** How it was estimated. */
  method: z.enum(["mean", "last", "best-mean", "yule-walker", "burg", "css"]),
  /** μ: the mean of the d-times differenced series (0 = no drift for d > 0). */
  mean: finite,
  /** φ_1..φ_p (x_t = Σ φ_i x_{t-i} + ...). */
  ar: z.array(finite),
  /** Order of differencing. */
  d: z.number().int().min(0).max(3),
  /** θ_1..θ_q (... + e_t + Σ θ_j e_{t-j}). */
  ma: z.array(finite),
  /** Innovation (one-step error) variance σ². */
  sigma2: nonNeg,
});
export type LinearDefinition = z.infer<typeof LinearDefinition>;

/**
 * ARX(p, q): `y_t = c + Σ_{i=1}^{p} a_i y_{t-i} + Σ_m Σ_{j=0}^{q-1} b_{m,j} u_{m,t-j} + e_t`, fitted by least squares.
 */
export const ArxDefinition = z.object({
  kind: z.literal("arx"),
  spec: z.string().min(1),
  method: z.literal("ols"),
  intercept: finite,
  /** a_1..a_p. */
  ar: z.array(finite),
  /** One row per exogenous input m: b_{m,0..q-1} (lag 0 is the input at the time of the predicted value). */
  inputs: z.array(z.array(finite).min(1)).min(1),
  sigma2: nonNeg,
});
export type ArxDefinition = z.infer<typeof ArxDefinition>;

/** A multiscale predictor: a linear model of the approximation signal at one wavelet level. */
export const WaveletDefinition = z.object({
  kind: z.literal("wavelet"),
  spec: z.string().min(1),
  wavelet: z.enum(WAVELET_NAMES),
  level: z.number().int().min(1).max(20),
  /** Mean squared deviation of the samples from their block's approximation (added to forecast variances). */
  withinVariance: nonNeg,
  /** The model of the approximation signal, in the signal's units (coefficients scaled by 2^(-level/2)). */
  inner: LinearDefinition,
});
export type WaveletDefinition = z.infer<typeof WaveletDefinition>;

/** A single model (anything but a selector). */
export const SingleDefinition = z.discriminatedUnion("kind", [LinearDefinition, ArxDefinition, WaveletDefinition]);
export type SingleDefinition = z.infer<typeof SingleDefinition>;

/** The NWS-style selector: candidates and how it ranks them. */
export const SelectorDefinition = z.object({
  kind: z.literal("selector"),
  spec: z.literal("nws"),
  /** Rank by rolling mean squared or mean absolute error. */
  criterion: z.enum(["mse", "mae"]),
  /** Evaluations kept per (candidate, lead time). */
  window: z.number().int().positive(),
  /** The longest lead time tracked. */
  horizon: z.number().int().positive(),
  candidates: z.array(SingleDefinition).min(1),
});
export type SelectorDefinition = z.infer<typeof SelectorDefinition>;

/** Any saved model: a single model or a selector. */
export const ModelDefinition = z.discriminatedUnion("kind", [LinearDefinition, ArxDefinition, WaveletDefinition, SelectorDefinition]);
export type ModelDefinition = z.infer<typeof ModelDefinition>;

/** The `format` of a predictor file. */
export const MODEL_FILE_FORMAT = "vadapt-predictor";

/** Where a model was fitted: provenance only, not used to predict. */
export const FittedOn = z.object({
  /** The input file. */
  source: z.string(),
  /** Which series of it (e.g. `column 'CPU usage [%]'`, `host h1 cpuPct`). */
  series: z.string(),
  /** Samples used to fit. */
  samples: z.number().int().nonnegative(),
  /** Exogenous input series (ARX), if any. */
  inputs: z.array(z.string()).optional(),
});
export type FittedOn = z.infer<typeof FittedOn>;

/** A `models/*.json` predictor file. */
export const ModelFile = z.object({
  format: z.literal(MODEL_FILE_FORMAT),
  version: z.literal(1),
  fittedOn: FittedOn.optional(),
  model: ModelDefinition,
});
export type ModelFile = z.infer<typeof ModelFile>;
