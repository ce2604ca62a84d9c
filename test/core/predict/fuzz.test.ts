/** Fuzzing the prediction parsers: any text is either parsed (and round-trips) or rejected with a typed error. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/core/errors.js";
import { ModelFile } from "../../../src/core/predict/definition.js";
import { parseRefitPolicy } from "../../../src/core/predict/refit.js";
import { formatSpec, parseSpec } from "../../../src/core/predict/spec.js";
import { check } from "../../../src/core/validate.js";

const pieces = ["mean", "last", "bm", "ar", "ar-burg", "ma", "arma", "arima", "arx", "wavelet", "haar", "d4", "d8", "db2", ":", ",", "0", "1", "3", "16", "999", "-1", "1.5", " ", "x", "every", "managed", "none", "2.5"];
const specLike = fc.array(fc.constantFrom(...pieces), { maxLength: 10 }).map((a) => a.join(""));
const text = fc.oneof(specLike, fc.string(), fc.string({ unit: "binary" }));

describe("parser fuzz", () => {
  it("parseSpec: a spec that parses round-trips; anything else is a ConfigError", () => {
    fc.assert(
      fc.property(text, (s) => {
        try {
          const spec = parseSpec(s);
          expect(parseSpec(formatSpec(spec))).toEqual(spec);
        } catch (e) {
          expect(e).toBeInstanceOf(ConfigError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("parseRefitPolicy: a policy or a ConfigError", () => {
    fc.assert(
      fc.property(text, (s) => {
        try {
          const p = parseRefitPolicy(s);
          expect(["none", "every", "managed"]).toContain(p.kind);
        } catch (e) {
          expect(e).toBeInstanceOf(ConfigError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("ModelFile: arbitrary JSON never throws from check, and reports field paths", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = check(ModelFile, v);
        if (!r.ok) expect(r.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
    const r = check(ModelFile, { format: "vadapt-predictor", version: 1, model: { kind: "wavelet", spec: "w", wavelet: "db4", level: 0, withinVariance: 0, inner: {} } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.field)).toEqual(expect.arrayContaining(["model.wavelet", "model.level", "model.inner.kind"]));
  });
});
