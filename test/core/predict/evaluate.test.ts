import { describe, expect, it } from "vitest";
import { evaluate } from "../../../src/core/predict/evaluate.js";
import { parseRefitPolicy } from "../../../src/core/predict/refit.js";
import { parseSpecList } from "../../../src/core/predict/spec.js";
import { binMeans, sweetSpot } from "../../../src/core/predict/sweet-spot.js";
import { createRng } from "../../../src/core/rng.js";
import { simulateArma } from "./simulate.js";

describe("evaluate", () => {
  const x = simulateArma(createRng(21), 4000, [0.9], [], 100, 1);
  const specs = parseSpecList("mean last ar:2 ar:200 arma:1,1");

  it("scores each model per lead time out of sample, and the selector alongside", () => {
    const r = evaluate(x, specs, { leads: [1, 5, 30] });
    expect(r.train).toBe(2000);
    expect(r.test).toBe(2000);
    const by = Object.fromEntries(r.models.map((m) => [m.name, m]));
    // MEAN's error is about the variance; AR(2) at lead 1 about σ²/Var = 1 - 0.81.
    expect(by.mean!.leads[0]!.ratio).toBeGreaterThan(0.9);
    expect(by.mean!.leads[0]!.ratio).toBeLessThan(1.2);
    expect(by["ar:2"]!.leads[0]!.ratio).toBeGreaterThan(0.12);
    expect(by["ar:2"]!.leads[0]!.ratio).toBeLessThan(0.25);
    expect(by["ar:2"]!.leads[0]!.mse).toBeLessThan(by.last!.leads[0]!.mse);
    // The error grows with the lead; the predicted variance tracks the measured MSE.
    expect(by["ar:2"]!.leads[2]!.mse).toBeGreaterThan(by["ar:2"]!.leads[1]!.mse);
    expect(by["ar:2"]!.leads[0]!.predictedVariance / by["ar:2"]!.leads[0]!.mse).toBeGreaterThan(0.85);
    expect(by["ar:2"]!.leads[0]!.predictedVariance / by["ar:2"]!.leads[0]!.mse).toBeLessThan(1.15);
    expect(by["ar:2"]!.leads[0]!.n).toBe(2000);
    expect(by["ar:2"]!.leads[2]!.n).toBe(2000 - 29);
    // ar:200 on 2000 samples fits; a model that cannot be fitted is reported as a value, not thrown.
    const short = evaluate(x.subarray(0, 300), parseSpecList("ar:2 ar:200"), { leads: [1] });
    expect(short.models[1]!.error).toMatch(/needs at least 201 samples/);
    expect(short.models[1]!.leads).toEqual([]);
    // The selector is close to the best candidate at every lead and mostly picks an AR-type model at lead 1.
    const sel = r.selector!;
    for (let li = 0; li < 3; li++) {
      const best = Math.min(...r.models.map((m) => m.leads[li]!.mse));
      expect(sel.leads[li]!.mse).toBeLessThan(best * 1.1);
    }
    const picks1 = sel.picks[0]!.counts;
    expect((picks1["ar:2"] ?? 0) + (picks1["arma:1,1"] ?? 0) + (picks1["ar:200"] ?? 0)).toBeGreaterThan(1500);
  });

  it("gives ARX the future inputs (a plan's traffic)", () => {
    const rng = createRng(4);
    const u = simulateArma(rng, 2000, [0.5], [], 10, 3);
    const noise = simulateArma(rng, 2000, [0.3], [], 0, 0.5);
    const y = u.map((v, t) => 100 - 2 * v + noise[t]!);
    const r = evaluate(y, parseSpecList("ar:4 arx:2,1"), { leads: [1, 10], inputs: [u], selector: null });
    const [ar, arx] = r.models;
    expect(arx!.leads[1]!.mse).toBeLessThan(ar!.leads[1]!.mse / 10);
    expect(r.selector).toBeNull();
  });

  it("refits while streaming when asked", () => {
    const r = evaluate(x, parseSpecList("ar:2"), { leads: [1], refit: parseRefitPolicy("every:200:500") });
    expect(r.models[0]!.leads[0]!.ratio).toBeLessThan(0.25);
  });
});

describe("sweet spot", () => {
  it("bins by block means", () => {
    expect(Array.from(binMeans([1, 2, 3, 4, 5, 6, 7], 2))).toEqual([1.5, 3.5, 5.5]);
  });

  it("finds a coarser resolution when a slow signal is buried in fast noise", () => {
    // A slowly varying AR(1) (coherent over ~100 samples) plus strong white noise: predictability improves as
    // averaging removes the noise, then worsens when blocks outgrow the slow signal's memory.
    const rng = createRng(8);
    const slow = simulateArma(rng, 16384, [0.99], [], 0, 1);
    const x = slow.map((v) => v + 8 * rng.normal());
    for (const method of ["bin", "wavelet"] as const) {
      const s = sweetSpot(x, { method, minSamples: 64 });
      expect(s.levels[0]!.level).toBe(0);
      expect(s.best).not.toBeNull();
      expect(s.best!.level).toBeGreaterThan(1);
      expect(s.best!.level).toBeLessThan(s.levels.length - 1);
      expect(s.best!.ratio).toBeLessThan(s.levels[0]!.ratio);
      for (const l of s.levels) expect(l.samples).toBeGreaterThanOrEqual(64);
    }
  });
});
