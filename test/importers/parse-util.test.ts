import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { BadLines, handleBadLine, numberedLines, parseIndex, parseNumber } from "../../src/importers/parse-util.js";

/** The grammar parseNumber implements, written as a regex over the blank-trimmed text. */
function reference(s: string): number | undefined {
  const t = s.replace(/^[ \t]+|[ \t]+$/g, "");
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

function attempt(s: string): number | undefined {
  try {
    return parseNumber(s, { file: "f", line: 1 }, "x");
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).location).toEqual({ file: "f", line: 1, field: "x" });
    return undefined;
  }
}

describe("parse-util", () => {
  it("parseNumber: plain decimals only, blanks around allowed", () => {
    expect(attempt(" \t1.5e3\t")).toBe(1500);
    expect(attempt("-.5")).toBe(-0.5);
    expect(attempt("7.")).toBe(7);
    for (const bad of ["", " ", ".", "e5", "1e", "0x10", "0b1", "Infinity", "NaN", "1_000", "1,5", "--1", "1e999", "\n1"]) expect(attempt(bad), bad).toBeUndefined();
    expect(() => parseNumber("-1", {}, "x", { min: 0 })).toThrow(/below the minimum 0/);
  });
  it("property: parseNumber agrees with the regex grammar", () => {
    const chars = fc.string({ maxLength: 8, unit: fc.constantFrom(..."0123456789.eE+- \tx") });
    fc.assert(
      fc.property(fc.oneof(chars, fc.double().map(String), fc.string({ maxLength: 8 })), (s) => {
        expect(Object.is(attempt(s), reference(s)), JSON.stringify(s)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
  it("parseIndex: digits only, safe integers", () => {
    expect(parseIndex(" 42 ", {}, "i")).toBe(42);
    expect(() => parseIndex("4.2", {}, "i")).toThrow(InputError);
    expect(() => parseIndex("99999999999999999999", {}, "i")).toThrow(/too large/);
  });
  it("handleBadLine rethrows in strict mode and foreign errors always; BadLines counts", () => {
    const e = new InputError({ file: "f", line: 2 }, "bad");
    expect(() => handleBadLine(e, {})).toThrow(e);
    expect(() => handleBadLine(new TypeError("x"), { mode: "lenient" })).toThrow(TypeError);
    const bad = new BadLines(1);
    handleBadLine(e, { mode: "lenient", onBadLine: bad.add });
    handleBadLine(e, { mode: "lenient", onBadLine: bad.add });
    expect(bad.count).toBe(2);
    expect(bad.warnings("row")).toEqual(["skipped 2 malformed rows (lenient mode); first: f:2: bad"]);
  });
  it("numberedLines keeps original line numbers and drops blank lines", () => {
    expect(numberedLines("a\r\n\n  \nb")).toEqual([{ text: "a", line: 1 }, { text: "b", line: 4 }]);
  });
});
