import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { meanCi, studentTCdf, studentTQuantile } from "../../src/core/experiment/stats.js";

describe("Student t", () => {
  // two-sided 95% critical values from the standard tables
  it.each([
    [1, 12.706],
    [2, 4.303],
    [4, 2.776],
    [9, 2.262],
    [29, 2.045],
    [120, 1.98],
  ])("t(0.975, %i) = %f", (df, t) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 2);
  });

  it("quantile inverts the cdf", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.integer({ min: 1, max: 200 }), (p, df) => {
        expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 8);
      }),
    );
  });

  it("mean and interval", () => {
    const c = meanCi([1, 2, 3, 4, 5]);
    expect(c.mean).toBe(3);
    expect(c.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(c.halfWidth!).toBeCloseTo((2.776445 * Math.sqrt(2.5)) / Math.sqrt(5), 5);
    expect(meanCi([7]).halfWidth).toBeNull();
    expect(meanCi([]).n).toBe(0);
  });
});
