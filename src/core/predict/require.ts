import { ConfigError } from "../errors.js";

/** Throws a {@link ConfigError} when a model needs more samples than the series has. */
export function requireSamples(model: string, have: number, need: number): void {
  if (have < need) throw new ConfigError(`model ${model}`, [`needs at least ${need} samples to fit, the series has ${have}`]);
}
