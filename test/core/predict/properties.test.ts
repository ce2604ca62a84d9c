/**
 * Property tests (fast-check): perfect reconstruction of the wavelet transforms, streaming = batch, forecast
 * variances non-negative and non-decreasing in the lead time, and recovery of simulated AR/MA coefficients.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fitArma } from "../../../src/core/predict/arma.js";
import { fitBurg } from "../../../src/core/predict/burg.js";
import { arFromReflection } from "../../../src/core/predict/levinson.js";
import { fitPredictor } from "../../../src/core/predict/predictor.js";
import { parseSpec } from "../../../src/core/predict/spec.js";
import { StreamingDwt, StreamingIdwt, WAVELET_NAMES, wavedec, waverec, type WaveletMode } from "../../../src/core/predict/wavelet.js";
import { fitYuleWalker } from "../../../src/core/predict/yule-walker.js";
import { createRng } from "../../../src/core/rng.js";
import { maxAbsDiff } from "./fixtures.js";
import { simulateArma } from "./simulate.js";

const signal = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 300 });
const name = fc.constantFrom(...WAVELET_NAMES);
const mode = fc.constantFrom<WaveletMode>("periodization", "zero");

describe("wavelet transforms", () => {
  it("reconstruct(decompose(x)) = x for every wavelet, mode and level", () => {
    fc.assert(
      fc.property(signal, name, mode, fc.integer({ min: 1, max: 6 }), (x, w, m, level) => {
        const scale = Math.max(1, ...x.map(Math.abs));
        expect(maxAbsDiff(waverec(wavedec(x, w, level, m)), x)).toBeLessThan(1e-12 * scale);
      }),
      { numRuns: 300 },
    );
  });

  it("the streaming transform emits exactly the zero-mode wavedec coefficients", () => {
    fc.assert(
      fc.property(signal, name, fc.integer({ min: 1, max: 5 }), (x, w, levels) => {
        const details: number[][] = Array.from({ length: levels }, () => []);
        const approx: number[] = [];
        const s = new StreamingDwt(w, levels, (level, a, d) => {
          details[level - 1]!.push(d);
          if (level === levels) approx.push(a);
        });
        for (const v of x) s.push(v);
        s.flush();
        const batch = wavedec(x, w, levels, "zero");
        const scale = Math.max(1, ...x.map(Math.abs));
        expect(maxAbsDiff(approx, batch.approx)).toBeLessThan(1e-12 * scale);
        batch.details.forEach((d, j) => expect(maxAbsDiff(details[j]!, d)).toBeLessThan(1e-12 * scale));
      }),
      { numRuns: 200 },
    );
  });

  it("the streaming inverse reconstructs the signal in order, sample by sample", () => {
    fc.assert(
      fc.property(signal, name, fc.integer({ min: 1, max: 5 }), (x, w, levels) => {
        const out: number[] = [];
        const inv = new StreamingIdwt(w, levels, (y) => out.push(y));
        const fwd = new StreamingDwt(w, levels, (level, a, d) => inv.push(level, a, d));
        for (const v of x) fwd.push(v);
        fwd.flush();
        const scale = Math.max(1, ...x.map(Math.abs));
        expect(out.length).toBeGreaterThanOrEqual(x.length);
        expect(maxAbsDiff(out.slice(0, x.length), x)).toBeLessThan(1e-11 * scale);
        for (const extra of out.slice(x.length)) expect(Math.abs(extra)).toBeLessThan(1e-11 * scale);
      }),
      { numRuns: 200 },
    );
  });

  it("the streaming inverse is causal: sample t is out once the coefficients covering it are in", () => {
    const x = Array.from({ length: 64 }, (_, t) => Math.sin(t / 3) * 10);
    let emitted = 0;
    const inv = new StreamingIdwt("d8", 3, () => emitted++);
    const fwd = new StreamingDwt("d8", 3, (level, a, d) => inv.push(level, a, d));
    for (const v of x) fwd.push(v);
    // Latency is bounded by the filter support at the deepest level (here well under the signal length).
    expect(emitted).toBeGreaterThan(0);
    expect(x.length - emitted).toBeLessThan(8 * 2 ** 3);
  });
});

const specs = ["mean", "last", "bm:8", "ar:4", "ar-burg:6", "ma:2", "arma:2,1", "arima:1,1,1", "arima:0,2,1", "wavelet:haar:2:ar:2", "wavelet:d8:1:arma:1,1"];

describe("forecast variances", () => {
  it("are non-negative and non-decreasing in the lead time for every model", () => {
    fc.assert(
      fc.property(fc.constantFrom(...specs), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 60 }), (spec, seed, k) => {
        const rng = createRng(seed);
        const phi = [rng.next() * 1.2 - 0.6];
        const x = simulateArma(rng, 400, phi, [rng.next() - 0.5], rng.next() * 100, 1 + rng.next() * 5);
        if (spec === "arima:0,2,1" || spec === "last") for (let t = 1; t < x.length; t++) x[t]! += x[t - 1]! * 0.5;
        const p = fitPredictor(parseSpec(spec), x);
        for (let step = 0; step < 5; step++) p.step(x[step]! + rng.normal());
        const { values, variances } = p.predict(k);
        expect(values.length).toBe(k);
        for (let h = 0; h < k; h++) {
          expect(Number.isFinite(values[h]!)).toBe(true);
          expect(variances[h]!).toBeGreaterThanOrEqual(0);
          if (h > 0) expect(variances[h]!).toBeGreaterThanOrEqual(variances[h - 1]!);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("hold for ARX too", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 40 }), (seed, k) => {
        const rng = createRng(seed);
        const u = simulateArma(rng, 300, [0.9]);
        const y = simulateArma(rng, 300, [0.5]).map((v, t) => v + 2 * u[t]!);
        const p = fitPredictor(parseSpec("arx:2,2"), y, [u]);
        const { variances } = p.predict(k);
        for (let h = 0; h < k; h++) {
          expect(variances[h]!).toBeGreaterThanOrEqual(0);
          if (h > 0) expect(variances[h]!).toBeGreaterThanOrEqual(variances[h - 1]!);
        }
      }),
      { numRuns: 50 },
    );
  });
});

/** A stationary AR(p): random reflection coefficients in (-0.8, 0.8) mapped through Levinson. */
const stationaryAr = fc.array(fc.double({ min: -0.8, max: 0.8, noNaN: true }), { minLength: 1, maxLength: 4 }).map((k) => Array.from(arFromReflection(k)));

describe("fitting a simulated process recovers its coefficients", () => {
  it("AR(p) by Yule-Walker and by Burg", () => {
    fc.assert(
      fc.property(stationaryAr, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (phi, seed) => {
        const x = simulateArma(createRng(seed), 20_000, phi, [], 50, 2);
        for (const f of [fitYuleWalker(x, phi.length), fitBurg(x, phi.length)]) {
          expect(maxAbsDiff(f.phi, phi)).toBeLessThan(0.05);
          expect(Math.abs(f.sigma2 - 4) / 4).toBeLessThan(0.05);
          expect(Math.abs(f.mean - 50)).toBeLessThan(1.5);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("MA(1) and ARMA(1,1) by conditional sum of squares", () => {
    fc.assert(
      fc.property(fc.double({ min: -0.8, max: 0.8, noNaN: true }), fc.double({ min: -0.7, max: 0.7, noNaN: true }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (a, b, seed) => {
        fc.pre(Math.abs(a + b) > 0.2); // a ≈ -b cancels: the ARMA(1,1) is then nearly white noise and unidentifiable
        const x = simulateArma(createRng(seed), 20_000, [a], [b]);
        const arma = fitArma(x, 1, 1);
        expect(Math.abs(arma.phi[0]! - a)).toBeLessThan(0.06);
        expect(Math.abs(arma.theta[0]! - b)).toBeLessThan(0.06);
        const ma = fitArma(simulateArma(createRng(seed + 1), 20_000, [], [b]), 0, 1);
        expect(Math.abs(ma.theta[0]! - b)).toBeLessThan(0.04);
      }),
      { numRuns: 25 },
    );
  });
});
