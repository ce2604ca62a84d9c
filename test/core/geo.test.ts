import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EARTH_RADIUS_KM, FIBRE_KM_PER_MS, fibreLatencyMs, greatCircleKm, greatCircleLatencyMs, isLatLon } from "../../src/core/geo.js";

const LONDON = { lat: 51.5074, lon: -0.1278 };
const PARIS = { lat: 48.8566, lon: 2.3522 };
const NEW_YORK = { lat: 40.7128, lon: -74.006 };

const latLon = fc.record({ lat: fc.double({ min: -90, max: 90, noNaN: true }), lon: fc.double({ min: -180, max: 180, noNaN: true }) });

describe("geo", () => {
  it("gives known great-circle distances", () => {
    expect(greatCircleKm(LONDON, PARIS)).toBeCloseTo(343.5, 0);
    expect(greatCircleKm(LONDON, NEW_YORK)).toBeCloseTo(5570, -1);
    expect(greatCircleKm(LONDON, LONDON)).toBe(0);
    // Antipodes: half the circumference.
    expect(greatCircleKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(Math.PI * EARTH_RADIUS_KM, 6);
  });

  it("turns distance into latency at 2/3 c (about 5 ms per 1,000 km)", () => {
    expect(FIBRE_KM_PER_MS).toBeCloseTo(199.86, 2);
    expect(fibreLatencyMs(1000)).toBeCloseTo(5.0035, 4);
    expect(greatCircleLatencyMs(LONDON, NEW_YORK)).toBeCloseTo(27.87, 1);
  });

  it("checks lat/lon ranges", () => {
    expect(isLatLon(45, 90)).toBe(true);
    expect(isLatLon(-90, -180)).toBe(true);
    expect(isLatLon(91, 0)).toBe(false);
    expect(isLatLon(0, 181)).toBe(false);
    expect(isLatLon(Number.NaN, 0)).toBe(false);
  });

  it("is a metric on the sphere: symmetric, non-negative, bounded, triangle inequality", () => {
    fc.assert(
      fc.property(latLon, latLon, latLon, (a, b, c) => {
        const ab = greatCircleKm(a, b);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(Math.PI * EARTH_RADIUS_KM + 1e-6);
        expect(Math.abs(ab - greatCircleKm(b, a))).toBeLessThan(1e-6);
        expect(greatCircleKm(a, c)).toBeLessThanOrEqual(ab + greatCircleKm(b, c) + 1e-6);
      }),
      { numRuns: 500 },
    );
  });
});
