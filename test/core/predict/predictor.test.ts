import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/errors.js";
import { fitBestMean } from "../../../src/core/predict/baseline.js";
import { ModelFile, type LinearDefinition } from "../../../src/core/predict/definition.js";
import { LinearPredictor } from "../../../src/core/predict/linear.js";
import { approximationSeries } from "../../../src/core/predict/multiscale.js";
import { createPredictor, fitPredictor, prime } from "../../../src/core/predict/predictor.js";
import { parseRefitPolicy, RefittingPredictor } from "../../../src/core/predict/refit.js";
import { Selector } from "../../../src/core/predict/selector.js";
import { formatSpec, parseSpec, parseSpecList } from "../../../src/core/predict/spec.js";
import { createRng } from "../../../src/core/rng.js";
import { REPO_ROOT } from "../../helpers/data.js";
import { maxAbsDiff } from "./fixtures.js";
import { simulateArma } from "./simulate.js";

const lin = (over: Partial<LinearDefinition>): LinearDefinition => ({ kind: "linear", spec: "test", method: "css", mean: 0, ar: [], d: 0, ma: [], sigma2: 1, ...over });

describe("model spec grammar", () => {
  const texts = ["mean", "last", "bm:32", "ar:16", "ar-burg:16", "ma:4", "arma:4,4", "arima:2,1,2", "arima:0,1,0", "arx:8,4", "wavelet:d4:3:ar:8", "wavelet:haar:1:arima:1,1,1", "wavelet:d8:5:mean"];
  it.each(texts)("%s round-trips", (t) => expect(formatSpec(parseSpec(t))).toBe(t));
  it("ignores case and spaces", () => expect(formatSpec(parseSpec(" AR-Burg : 8 "))).toBe("ar-burg:8"));
  it("parses a list separated by spaces or semicolons", () => expect(parseSpecList("mean; last ar:2").map(formatSpec)).toEqual(["mean", "last", "ar:2"]));
  it.each([
    ["ar", /needs 1 number/],
    ["ar:0", /P must be an integer in 1\.\.512/],
    ["ar:1.5", /P must be an integer/],
    ["arma:4", /needs 2 number/],
    ["arima:1,4,1", /D must be an integer in 0\.\.3/],
    ["mean:3", /takes no parameters/],
    ["garch:1,1", /unknown model 'garch'/],
    ["wavelet:db2:3:ar:8", /unknown wavelet 'db2'/],
    ["wavelet:d4:3:arx:2,2", /must be a linear model/],
    ["wavelet:d4:ar:8", /wavelet:WAVELET:LEVEL/],
  ])("rejects %s", (t, why) => {
    expect(() => parseSpec(t)).toThrow(ConfigError);
    expect(() => parseSpec(t)).toThrow(why);
    expect(() => parseSpec(t)).toThrow(/expected mean \| last/);
  });
});

describe("linear predictors", () => {
  it("AR forecasts follow the recursion and variances the psi-weights", () => {
    const p = new LinearPredictor(lin({ mean: 10, ar: [0.5, 0.2], sigma2: 2 }));
    for (const x of [11, 13, 12]) p.step(x);
    const f = p.predict(3);
    const c = 10 * (1 - 0.7);
    const x1 = c + 0.5 * 12 + 0.2 * 13;
    const x2 = c + 0.5 * x1 + 0.2 * 12;
    const x3 = c + 0.5 * x2 + 0.2 * x1;
    expect(maxAbsDiff(f.values, [x1, x2, x3])).toBeLessThan(1e-12);
    const psi1 = 0.5;
    const psi2 = 0.5 * psi1 + 0.2;
    expect(maxAbsDiff(f.variances, [2, 2 * (1 + psi1 ** 2), 2 * (1 + psi1 ** 2 + psi2 ** 2)])).toBeLessThan(1e-12);
    expect(p.nextValue).toBeCloseTo(x1, 12);
  });

  it("MA forecasts use the innovations, then the mean", () => {
    const p = new LinearPredictor(lin({ mean: 5, ma: [0.6], sigma2: 1 }));
    p.step(7); // innovation 7 - 5 = 2
    expect(p.lastError).toBe(2);
    const f = p.predict(3);
    expect(Array.from(f.values)).toEqual([5 + 0.6 * 2, 5, 5]);
    expect(maxAbsDiff(f.variances, [1, 1.36, 1.36])).toBeLessThan(1e-15);
  });

  it("MEAN, LAST and ARIMA(0,1,0)", () => {
    const x = Float64Array.from([1, 3, 2, 6, 4]);
    const mean = fitPredictor(parseSpec("mean"), x);
    expect(Array.from(mean.predict(2).values)).toEqual([3.2, 3.2]);
    const last = fitPredictor(parseSpec("last"), x);
    const f = last.predict(3);
    expect(Array.from(f.values)).toEqual([4, 4, 4]);
    const s2 = (4 + 1 + 16 + 4) / 4;
    expect(Array.from(f.variances)).toEqual([s2, 2 * s2, 3 * s2]);
    const rw = fitPredictor(parseSpec("arima:0,1,0"), x);
    expect(Array.from(rw.predict(3).values)).toEqual([4, 4, 4]);
  });

  it("ARIMA(1,1,0) integrates its AR forecast of the differences", () => {
    const p = new LinearPredictor(lin({ ar: [0.5], d: 1, sigma2: 1 }));
    for (const x of [0, 10, 14]) p.step(x); // last difference 4
    const f = p.predict(3);
    expect(maxAbsDiff(f.values, [16, 17, 17.5])).toBeLessThan(1e-12);
    // psi of (1 - 0.5B)(1 - B): 1, 1.5, 1.75
    expect(maxAbsDiff(f.variances, [1, 1 + 2.25, 1 + 2.25 + 1.75 ** 2])).toBeLessThan(1e-12);
  });

  it("BM picks a short window for a random walk and a long one for white noise", () => {
    const rng = createRng(7);
    const walk = new Float64Array(2000);
    for (let t = 1; t < walk.length; t++) walk[t] = walk[t - 1]! + rng.normal();
    expect(fitBestMean(walk, 16).ar.length).toBe(1);
    const noise = simulateArma(rng, 2000, []);
    expect(fitBestMean(noise, 16).ar.length).toBeGreaterThanOrEqual(12);
  });

  it("rejects a series too short for the order with a clear ConfigError", () => {
    expect(() => fitPredictor(parseSpec("ar:16"), new Float64Array(10))).toThrow(/model ar:16: 1 problem\(s\):\n {2}- needs at least 17 samples to fit, the series has 10/);
    expect(() => fitPredictor(parseSpec("arma:4,4"), new Float64Array(20))).toThrow(ConfigError);
    expect(() => fitPredictor(parseSpec("wavelet:d8:6:ar:8"), new Float64Array(300))).toThrow(/level-6 approximation/);
  });

  it("a constant series gives exact forecasts with zero variance", () => {
    const x = new Float64Array(100).fill(42);
    for (const s of ["mean", "ar:4", "ar-burg:4", "bm:4", "arma:1,1", "arima:1,1,1", "wavelet:d4:2:ar:2"]) {
      const f = fitPredictor(parseSpec(s), x).predict(5);
      expect(maxAbsDiff(f.values, new Float64Array(5).fill(42))).toBeLessThan(1e-9);
      expect(Math.max(...f.variances)).toBeLessThan(1e-9);
    }
  });
});

describe("ARX predictor", () => {
  const rng = createRng(11);
  const n = 600;
  const u = simulateArma(rng, n, [0.95], [], 50, 3);
  const y = new Float64Array(n);
  for (let t = 1; t < n; t++) y[t] = 1 + 0.6 * y[t - 1]! + 0.5 * u[t]! - 0.25 * u[t - 1]!;

  it("recovers a noiseless ARX process exactly and forecasts it exactly given the future inputs", () => {
    const p = fitPredictor(parseSpec("arx:1,2"), y.subarray(0, 500), [u.subarray(0, 500)]);
    const def = p.definition;
    if (def.kind !== "arx") throw new Error("not arx");
    expect(def.intercept).toBeCloseTo(1, 8);
    expect(maxAbsDiff(def.ar, [0.6])).toBeLessThan(1e-9);
    expect(maxAbsDiff(def.inputs[0]!, [0.5, -0.25])).toBeLessThan(1e-9);
    const f = p.predict(20, [u.subarray(500, 520)]);
    expect(maxAbsDiff(f.values, y.subarray(500, 520))).toBeLessThan(1e-8);
    // Without future inputs it holds the last one, which is worse.
    const held = p.predict(20);
    expect(maxAbsDiff(held.values, y.subarray(500, 520))).toBeGreaterThan(1e-3);
  });

  it("checks the number of inputs", () => {
    const p = fitPredictor(parseSpec("arx:1,1"), y, [u]);
    expect(() => p.step(1)).toThrow(/step needs 1 input value/);
    expect(() => fitPredictor(parseSpec("arx:1,1"), y)).toThrow(/needs at least one exogenous input/);
  });
});

describe("multiscale predictor", () => {
  it("the coarse series of a constant is that constant, for every wavelet and level", () => {
    const x = new Float64Array(512).fill(3);
    for (const w of ["haar", "d4", "d8"] as const) for (const level of [1, 2, 4]) {
      const a = approximationSeries(x, w, level);
      expect(a.length).toBeGreaterThan(0);
      expect(maxAbsDiff(a, new Float64Array(a.length).fill(3))).toBeLessThan(1e-12);
    }
  });

  it("forecasts a block-constant series at the coarse scale and holds each block", () => {
    // Blocks of 4 equal samples following an AR(1) at the coarse scale; Haar level 2 sees exactly the blocks.
    const coarse = simulateArma(createRng(3), 300, [0.8], [], 10);
    const x = new Float64Array(1200);
    for (let t = 0; t < x.length; t++) x[t] = coarse[Math.floor(t / 4)]!;
    const p = fitPredictor(parseSpec("wavelet:haar:2:ar:1"), x);
    const def = p.definition;
    if (def.kind !== "wavelet") throw new Error("not wavelet");
    expect(def.withinVariance).toBeLessThan(1e-20);
    expect(def.inner.ar[0]!).toBeGreaterThan(0.6);
    const f = p.predict(8);
    expect(f.values[0]).toBe(f.values[3]);
    expect(f.values[4]).toBe(f.values[7]);
    expect(f.values[0]).not.toBe(f.values[4]);
    // Mid-block: two samples into a block, leads 1..2 finish it.
    p.step(5);
    p.step(5);
    const g = p.predict(4);
    expect(g.values[0]).toBe(g.values[1]);
    expect(g.values[1]).not.toBe(g.values[2]);
  });
});

describe("NWS selector", () => {
  it("picks LAST on a random walk and MEAN on white noise, per lead time", () => {
    const rng = createRng(5);
    const walk = new Float64Array(600);
    for (let t = 1; t < walk.length; t++) walk[t] = walk[t - 1]! + rng.normal();
    const fit = (x: Float64Array) => [fitPredictor(parseSpec("mean"), x.subarray(0, 300)), fitPredictor(parseSpec("last"), x.subarray(0, 300))];
    const sel = new Selector(fit(walk), { criterion: "mse", window: 50, horizon: 5 });
    for (let t = 300; t < 600; t++) sel.step(walk[t]!);
    expect(sel.choices(5)).toEqual([1, 1, 1, 1, 1]);
    const f = sel.predict(5);
    expect(Array.from(f.values)).toEqual(Array(5).fill(walk[599]));
    // The error estimate is the chosen candidate's rolling MSE.
    expect(f.variances[0]).toBeCloseTo(sel.errors.mse(1, 1), 12);

    const noise = simulateArma(rng, 600, []);
    const sel2 = new Selector(fit(noise), { criterion: "mae", window: 50, horizon: 3 });
    for (let t = 300; t < 600; t++) sel2.step(noise[t]!);
    expect(sel2.choices(3)).toEqual([0, 0, 0]);
    expect(() => sel2.predict(4)).toThrow(/horizon is 3/);
  });
});

describe("refit policies", () => {
  it("parses the policy grammar", () => {
    expect(parseRefitPolicy("none")).toEqual({ kind: "none" });
    expect(parseRefitPolicy("every:100")).toEqual({ kind: "every", interval: 100 });
    expect(parseRefitPolicy("every:100:500")).toEqual({ kind: "every", interval: 100, window: 500 });
    expect(parseRefitPolicy("managed:2.5:400:16")).toEqual({ kind: "managed", bound: 2.5, window: 400, errorWindow: 16 });
    expect(() => parseRefitPolicy("every:0")).toThrow(/R must be a positive integer/);
    expect(() => parseRefitPolicy("sometimes")).toThrow(/unknown policy/);
  });

  it("every:R refits every R steps on the last W observations", () => {
    const x = simulateArma(createRng(9), 1000, [0.5]);
    const p = new RefittingPredictor(parseSpec("ar:2"), x.subarray(0, 200), parseRefitPolicy("every:100:200"));
    for (let t = 200; t < 1000; t++) p.step(x[t]!);
    expect(p.refits).toBe(8);
    const direct = fitPredictor(parseSpec("ar:2"), x.subarray(800, 1000));
    expect(p.definition).toEqual(direct.definition);
    expect(maxAbsDiff(p.predict(5).values, direct.predict(5).values)).toBeLessThan(1e-12);
  });

  it("managed refits when the signal changes, and only then", () => {
    const rng = createRng(13);
    const a = simulateArma(rng, 1000, [0.5], [], 0, 1);
    const b = simulateArma(rng, 1000, [0.5], [], 0, 10); // ten times the noise
    const p = new RefittingPredictor(parseSpec("ar:2"), a.subarray(0, 300), parseRefitPolicy("managed:3:300:32"));
    for (let t = 300; t < 1000; t++) p.step(a[t]!);
    expect(p.refits).toBe(0);
    for (let t = 0; t < 300; t++) p.step(b[t]!);
    expect(p.refits).toBeGreaterThanOrEqual(1);
    const s2 = (p.definition as LinearDefinition).sigma2;
    expect(s2).toBeGreaterThan(20);
  });
});

describe("model definitions", () => {
  const rng = createRng(17);
  const x = simulateArma(rng, 800, [0.7, -0.2], [0.3], 20, 2);
  const u = simulateArma(rng, 800, [0.9]);
  it.each(["mean", "last", "bm:16", "ar:8", "ar-burg:8", "ma:2", "arma:2,1", "arima:1,1,1", "wavelet:d8:2:ar:4"])(
    "%s: saved JSON loads back into a predictor that forecasts the same after priming",
    (spec) => {
      const fitted = fitPredictor(parseSpec(spec), x);
      const file = ModelFile.parse(JSON.parse(JSON.stringify({ format: "vadapt-predictor", version: 1, model: fitted.definition })));
      const loaded = createPredictor(file.model);
      prime(loaded, x);
      const a = fitted.predict(10);
      const b = loaded.predict(10);
      expect(maxAbsDiff(a.values, b.values)).toBe(0);
      expect(maxAbsDiff(a.variances, b.variances)).toBe(0);
    },
  );
  it("ARX and selector definitions round-trip too", () => {
    const arx = fitPredictor(parseSpec("arx:2,2"), x, [u]);
    const sel = new Selector([fitPredictor(parseSpec("ar:2"), x), fitPredictor(parseSpec("last"), x)], { criterion: "mse", window: 20, horizon: 4 });
    for (const p of [arx, sel]) {
      const def = ModelFile.parse(JSON.parse(JSON.stringify({ format: "vadapt-predictor", version: 1, model: p.definition }))).model;
      expect(def).toEqual(p.definition);
      expect(createPredictor(def).definition).toEqual(p.definition);
    }
  });
  it("the example in models/ is a valid predictor file", () => {
    const file = ModelFile.parse(JSON.parse(readFileSync(join(REPO_ROOT, "models/predictor-bitbrains-vm35-cpu-arima212.json"), "utf8")));
    expect(file.model.spec).toBe("arima:2,1,2");
    const p = createPredictor(file.model);
    prime(p, [10, 12, 11, 13]);
    expect(p.predict(3).variances[2]!).toBeGreaterThan(p.predict(3).variances[0]!);
  });
  it("rejects a malformed definition naming the field", () => {
    const r = ModelFile.safeParse({ format: "vadapt-predictor", version: 1, model: { kind: "linear", spec: "ar:1", method: "yule-walker", mean: 0, ar: ["x"], d: 0, ma: [], sigma2: -1 } });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join("."));
    expect(paths).toContain("model.ar.0");
    expect(paths).toContain("model.sigma2");
  });
});
