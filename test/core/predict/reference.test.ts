/**
 * Correctness against independent implementations (fixtures from test/fixtures/predict/make_fixtures.py):
 * statsmodels' yule_walker(method='mle') and burg to 1e-6, AutoReg with lagged exog (ARX by OLS) to 1e-6, a
 * scipy least-squares CSS fit (ARMA/MA) to 1e-6, and PyWavelets' wavedec to 1e-9.
 */
import { describe, expect, it } from "vitest";
import { fitArma } from "../../../src/core/predict/arma.js";
import { fitArx } from "../../../src/core/predict/arx.js";
import { fitBurg } from "../../../src/core/predict/burg.js";
import { waverec, wavedec, wavelet } from "../../../src/core/predict/wavelet.js";
import { fitYuleWalker } from "../../../src/core/predict/yule-walker.js";
import { fixture, maxAbsDiff, type ArFixture, type ArmaFixture, type ArxFixture, type DwtFixture } from "./fixtures.js";

const AR_TOL = 1e-6;
const DWT_TOL = 1e-9;

describe("AR fits match statsmodels", () => {
  const ar = fixture<ArFixture>("ar.json");
  const cases = ar.series.flatMap((s) => s.cases.map((c) => ({ name: s.name, x: s.x, ...c })));
  it.each(cases)("$name order $order: Yule-Walker (mle)", ({ x, order, yuleWalker }) => {
    const f = fitYuleWalker(x, order);
    expect(maxAbsDiff(f.phi, yuleWalker.phi)).toBeLessThan(AR_TOL);
    expect(Math.abs(f.sigma2 - yuleWalker.sigma2)).toBeLessThan(AR_TOL * Math.max(1, yuleWalker.sigma2));
  });
  it.each(cases)("$name order $order: Burg", ({ x, order, burg }) => {
    const f = fitBurg(x, order);
    expect(maxAbsDiff(f.phi, burg.phi)).toBeLessThan(AR_TOL);
    expect(Math.abs(f.sigma2 - burg.sigma2)).toBeLessThan(AR_TOL * Math.max(1, burg.sigma2));
  });
});

describe("ARX matches statsmodels AutoReg with lagged exogenous inputs", () => {
  const arx = fixture<ArxFixture>("arx.json");
  it.each(arx.cases)("arx:$p,$q with inputs $inputs", ({ p, q, inputs, intercept, ar, b, sigma2 }) => {
    const def = fitArx(arx.y, inputs.map((m) => arx.u[m]!), p, q);
    expect(Math.abs(def.intercept - intercept)).toBeLessThan(AR_TOL);
    expect(maxAbsDiff(def.ar, ar)).toBeLessThan(AR_TOL);
    def.inputs.forEach((row, m) => expect(maxAbsDiff(row, b[m]!)).toBeLessThan(AR_TOL));
    expect(Math.abs(def.sigma2 - sigma2)).toBeLessThan(AR_TOL * Math.max(1, sigma2));
  });
});

describe("ARMA/MA by conditional sum of squares match a scipy least-squares fit of the same objective", () => {
  const arma = fixture<ArmaFixture>("arma.json");
  it.each(arma.cases)("$name", ({ x, p, q, mean, phi, theta, css, sigma2 }) => {
    const f = fitArma(x, p, q);
    expect(Math.abs(f.mean - mean)).toBeLessThan(1e-12);
    expect(maxAbsDiff(f.phi, phi)).toBeLessThan(AR_TOL);
    expect(maxAbsDiff(f.theta, theta)).toBeLessThan(AR_TOL);
    expect(f.css).toBeLessThanOrEqual(css * (1 + 1e-12));
    expect(Math.abs(f.sigma2 - sigma2)).toBeLessThan(AR_TOL * Math.max(1, sigma2));
  });
});

describe("DWT matches PyWavelets wavedec (D4 = db2, D8 = db4)", () => {
  const dwt = fixture<DwtFixture>("dwt.json");
  it("uses PyWavelets' filter coefficients", () => {
    for (const [name, f] of Object.entries(dwt.filters)) {
      const w = wavelet(name as "haar" | "d4" | "d8");
      expect(w.pywtName).toBe(f.pywt);
      expect(maxAbsDiff(w.lo, f.decLo)).toBe(0);
      expect(maxAbsDiff(w.hi, f.decHi)).toBe(0);
    }
  });
  it.each(dwt.cases.map((c) => ({ ...c, n: c.x.length })))("$wavelet $mode n=$n level $level", ({ wavelet: name, mode, level, x, approx, detailsCoarsestFirst }) => {
    const dec = wavedec(x, name, level, mode);
    expect(maxAbsDiff(dec.approx, approx)).toBeLessThan(DWT_TOL);
    const details = [...dec.details].reverse();
    expect(details.length).toBe(detailsCoarsestFirst.length);
    details.forEach((d, j) => expect(maxAbsDiff(d, detailsCoarsestFirst[j]!)).toBeLessThan(DWT_TOL));
    expect(maxAbsDiff(waverec(dec), x)).toBeLessThan(DWT_TOL);
  });
});
