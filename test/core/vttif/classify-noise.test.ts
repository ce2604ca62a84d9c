/**
 * The robustness target: with ±30% noise on every pattern cell and 10% random background pairs, the
 * class is right on >= 95% of seeded cases (a property over class, size and seed; see docs/vttif.md for the
 * generator's background rule).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/core/rng.js";
import { classifyTraffic } from "../../../src/core/vttif/classify.js";
import { admissible, generatePattern, type PatternClass } from "../../../src/core/vttif/patterns.js";
import { SHAPE_CLASSES } from "../../../src/core/vttif/shapes.js";

describe("classification under noise (±30%) and 10% background pairs (property over seeds and sizes)", () => {
  const classes = SHAPE_CLASSES as readonly PatternClass[];
  const run = (sizes: number[], numRuns: number, seed: number): { right: number; total: number; wrong: string[] } => {
    let right = 0;
    let total = 0;
    const wrong: string[] = [];
    fc.assert(
      fc.property(fc.constantFrom(...classes), fc.constantFrom(...sizes), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (cls, size, s) => {
        // Nearest admissible size at or above the drawn one.
        let n = size;
        while (!admissible(cls, n)) n++;
        const p = generatePattern(cls, n, createRng(s), { noise: 0.3, background: 0.1 });
        const c = classifyTraffic(p.matrix, n);
        total++;
        if (c.class === cls || c.alternatives.includes(cls)) right++;
        else wrong.push(`${cls}@${n}/seed ${s} -> ${c.class}`);
        return true;
      }),
      { numRuns, seed },
    );
    return { right, total, wrong };
  };

  it("is right on >= 95% of seeded cases at 8..300 VMs", () => {
    const r = run([8, 9, 12, 16, 20, 27, 32, 48, 64, 90, 125, 128, 200, 256, 300], 240, 20260601);
    expect(r.right / r.total, r.wrong.join("; ")).toBeGreaterThanOrEqual(0.95);
  });

  it("is right on >= 95% of seeded cases at 500..1024 VMs", () => {
    const r = run([500, 512, 729, 1000, 1024], 24, 20260602);
    expect(r.right / r.total, r.wrong.join("; ")).toBeGreaterThanOrEqual(0.95);
  });
});
