import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "../../../src/core/rng.js";
import { ChangeDetector, compare } from "../../../src/core/vttif/change.js";
import { generatePattern, type PatternClass } from "../../../src/core/vttif/patterns.js";
import { growSquare, Smoother, toMbps } from "../../../src/core/vttif/smooth.js";

const N = 32;
/** One interval of a pattern on fixed positions (no shuffling), with fresh noise and background. */
function interval(cls: PatternClass, rng: Rng, scale = 1): Float64Array {
  const p = generatePattern(cls, N, rng, { noise: 0.3, background: 0.1, shuffle: false, nominal: 10 * scale });
  return p.matrix;
}

function run(det: ChangeDetector, seq: Float64Array[]) {
  return seq.map((m) => det.push(m, N));
}

describe("smoothing and rates", () => {
  it("converts bytes per interval to Mbit/s", () => {
    expect([...toMbps(Float64Array.of(125_000, 0), 1000)]).toEqual([1, 0]);
  });
  it("EWMA and sliding window", () => {
    const e = new Smoother({ kind: "ewma", alpha: 0.5 });
    expect([...e.push(Float64Array.of(4), 1)]).toEqual([4]);
    expect([...e.push(Float64Array.of(0), 1)]).toEqual([2]);
    expect([...e.push(Float64Array.of(2), 1)]).toEqual([2]);
    const w = new Smoother({ kind: "window", intervals: 2 });
    expect([...w.push(Float64Array.of(4), 1)]).toEqual([4]);
    expect([...w.push(Float64Array.of(2), 1)]).toEqual([3]);
    expect([...w.push(Float64Array.of(0), 1)]).toEqual([1]);
  });
  it("handles a matrix that grows (a VM appears)", () => {
    const w = new Smoother({ kind: "window", intervals: 3 });
    w.push(Float64Array.of(2), 1);
    expect([...w.push(Float64Array.of(4, 2, 2, 0), 2)]).toEqual([3, 1, 1, 0]);
    expect([...growSquare(Float64Array.of(1, 2, 3, 4), 2, 3)]).toEqual([1, 2, 0, 3, 4, 0, 0, 0, 0]);
    expect(() => w.push(Float64Array.of(1), 1)).toThrow(RangeError);
  });
  it("rejects bad smoothing specs", () => {
    expect(() => new Smoother({ kind: "ewma", alpha: 0 })).toThrow();
    expect(() => new Smoother({ kind: "window", intervals: 0 })).toThrow();
  });
});

describe("change detection with damping", () => {
  it("measures shape distance and level ratio", () => {
    expect(compare(Float64Array.of(1, 0), Float64Array.of(0, 1))).toEqual({ shapeDistance: 1, levelRatio: 1 });
    expect(compare(Float64Array.of(2, 2), Float64Array.of(1, 1))).toEqual({ shapeDistance: 0, levelRatio: 2 });
    expect(compare(Float64Array.of(0, 0), Float64Array.of(0, 0))).toEqual({ shapeDistance: 0, levelRatio: 1 });
  });

  it("stays quiet through 200 intervals of ±30% noise and background", () => {
    const rng = createRng(1);
    const det = new ChangeDetector();
    const steps = run(det, Array.from({ length: 200 }, () => interval("mesh2d", rng)));
    expect(steps.filter((s) => s.change !== null)).toEqual([]);
    expect(Math.max(...steps.map((s) => s.shapeDistance))).toBeLessThan(0.3);
  });

  it("declares an abrupt pattern switch once, `hold` intervals after it (reaction time)", () => {
    for (const hold of [1, 2, 3, 5]) {
      const rng = createRng(hold);
      const det = new ChangeDetector({ hold });
      const seq = [...Array.from({ length: 20 }, () => interval("ring", rng)), ...Array.from({ length: 20 }, () => interval("mesh2d", rng))];
      const changes = run(det, seq).flatMap((s) => (s.change === null ? [] : [s.change]));
      expect(changes).toHaveLength(1);
      expect(changes[0]).toMatchObject({ startStep: 20, declaredStep: 19 + hold, reactionIntervals: hold, reason: "shape" });
    }
  });

  it("absorbs blips shorter than `hold`", () => {
    const rng = createRng(7);
    const det = new ChangeDetector({ hold: 3 });
    const seq = Array.from({ length: 30 }, (_, k) => interval(k === 10 || k === 20 || k === 21 ? "all-to-all" : "ring", rng));
    const steps = run(det, seq);
    expect(steps.filter((s) => s.change !== null)).toEqual([]);
    expect(steps.filter((s) => s.candidate).map((s) => s.step)).toEqual([10, 20, 21]);
    expect(det.blips).toBe(2);
  });

  it("detects a change of load at the same shape, and honours minPhase", () => {
    const rng = createRng(3);
    const det = new ChangeDetector({ hold: 2, levelRatio: 2, minPhase: 5 });
    const seq = [...Array.from({ length: 10 }, () => interval("ring", rng)), ...Array.from({ length: 10 }, () => interval("ring", rng, 3))];
    const changes = run(det, seq).flatMap((s) => (s.change === null ? [] : [s.change]));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ startStep: 10, reason: "level" });
    expect(changes[0]!.levelRatio).toBeGreaterThan(2.5);
  });

  it("smoothing delays detection: reaction time grows with an EWMA", () => {
    const react = (alpha: number): number => {
      const rng = createRng(11);
      const sm = new Smoother(alpha === 1 ? { kind: "none" } : { kind: "ewma", alpha });
      const det = new ChangeDetector({ hold: 2 });
      const seq = [...Array.from({ length: 20 }, () => interval("ring", rng)), ...Array.from({ length: 20 }, () => interval("star", rng))];
      const c = seq.map((m) => det.push(sm.push(m, N), N)).find((s) => s.change !== null)!.change!;
      return c.declaredStep - 20 + 1;
    };
    expect(react(1)).toBe(2);
    expect(react(0.1)).toBeGreaterThan(react(1));
  });

  it("validates its options", () => {
    expect(() => new ChangeDetector({ hold: 0 })).toThrow();
    expect(() => new ChangeDetector({ levelRatio: 1 })).toThrow();
  });
});
