/**
 * The streaming predictor interface, as in RPS (Dinda & O'Hallaron, "An extensible toolkit for resource
 * prediction in distributed systems", CMU-CS-99-138): fit a model on a history, get a predictor primed with
 * that history, then `step(observation)` as new samples arrive and `predict(k)` for the next k values with their
 * error variances (from the model's psi-weights and noise variance), so callers get confidence intervals.
 */
import { ArxPredictor, fitArx } from "./arx.js";
import type { ModelDefinition, SingleDefinition } from "./definition.js";
import { estimateLinear } from "./estimate.js";
import { LinearPredictor } from "./linear.js";
import { fitMultiscale, MultiscalePredictor } from "./multiscale.js";
import { Selector } from "./selector.js";
import type { ModelSpec } from "./spec.js";
import { ConfigError } from "../errors.js";

/** Forecasts for leads 1..k: `values[h - 1]` and its error variance `variances[h - 1]`. */
export interface Forecast {
  readonly values: Float64Array;
  readonly variances: Float64Array;
}

/** A fitted model with its state: feed observations, ask for forecasts. */
export interface Predictor {
  /** The fitted model, as saved in models/ (its state is not part of it). */
  readonly definition: ModelDefinition;
  /** How many exogenous input values `step` and `predict` take (ARX); 0 otherwise. */
  readonly inputCount: number;
  /** The last observation minus the one-step forecast made for it (0 before any). */
  readonly lastError: number;
  /** Feeds the next observation, with the inputs observed at the same time for ARX. */
  step(observation: number, inputs?: ArrayLike<number>): void;
  /**
   * Forecasts the next k observations with error variances (non-negative, non-decreasing in the lead for the
   * linear models). ARX takes the future inputs, k values per input, or holds the last ones.
   */
  predict(k: number, futureInputs?: ReadonlyArray<ArrayLike<number>>): Forecast;
}

/** Estimates a model from a history (and, for ARX, its input series). */
export function estimate(spec: ModelSpec, history: ArrayLike<number>, inputs: readonly ArrayLike<number>[] = []): SingleDefinition {
  switch (spec.kind) {
    case "arx":
      return fitArx(history, inputs, spec.p, spec.q);
    case "wavelet":
      return fitMultiscale(spec, history);
    default:
      return estimateLinear(spec, history);
  }
}

/** A predictor for a model definition, in its initial state (not yet fed any observation). */
export function createPredictor(def: ModelDefinition): Predictor {
  switch (def.kind) {
    case "linear":
      return new LinearPredictor(def);
    case "arx":
      return new ArxPredictor(def);
    case "wavelet":
      return new MultiscalePredictor(def);
    case "selector":
      return new Selector(def.candidates.map(createPredictor), { criterion: def.criterion, window: def.window, horizon: def.horizon });
  }
}

/** Feeds a history to a predictor (with the inputs at each time, for ARX). */
export function prime(predictor: Predictor, history: ArrayLike<number>, inputs: readonly ArrayLike<number>[] = []): void {
  if (predictor.inputCount !== inputs.length) {
    throw new ConfigError(`model ${predictor.definition.spec}`, [`takes ${predictor.inputCount} input series, got ${inputs.length}`]);
  }
  if (predictor.inputCount === 0) {
    for (let t = 0; t < history.length; t++) predictor.step(history[t]!);
    return;
  }
  const u = new Float64Array(inputs.length);
  for (let t = 0; t < history.length; t++) {
    for (let m = 0; m < inputs.length; m++) u[m] = inputs[m]![t]!;
    predictor.step(history[t]!, u);
  }
}

/** Fits a model on a history and returns its predictor primed with that history (RPS's fit-then-step). */
export function fitPredictor(spec: ModelSpec, history: ArrayLike<number>, inputs: readonly ArrayLike<number>[] = []): Predictor {
  const predictor = createPredictor(estimate(spec, history, inputs));
  prime(predictor, history, inputs);
  return predictor;
}
