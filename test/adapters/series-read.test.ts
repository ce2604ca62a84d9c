import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readSeriesFile } from "../../src/adapters/series/read.js";
import { InputError } from "../../src/core/errors.js";

const dir = mkdtempSync(join(tmpdir(), "vadapt-series-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let k = 0;
function file(text: string): string {
  const p = join(dir, `s${k++}.txt`);
  writeFileSync(p, text);
  return p;
}

describe("series files", () => {
  it("reads one number per line, skipping comments and blank lines", async () => {
    const r = await readSeriesFile(file("# x\n1\n\n2.5\r\n-3e2\n"));
    expect(Array.from(r.values)).toEqual([1, 2.5, -300]);
    expect(r.description).toBe("values");
  });

  it("reads columns by header name (any case) or 1-based index, with tab, ; or , separators", async () => {
    expect(Array.from((await readSeriesFile(file("t\tA\n0\t5\n1\t6\n"), { column: "a" })).values)).toEqual([5, 6]);
    expect(Array.from((await readSeriesFile(file("0;5\n1;6\n"), { column: "2" })).values)).toEqual([5, 6]);
    const r = await readSeriesFile(file("a,b,c\n1,2,3\n4,5,6\n"), { column: "c", inputColumns: ["a", "b"] });
    expect(Array.from(r.values)).toEqual([3, 6]);
    expect(r.inputs.map((u) => Array.from(u))).toEqual([[1, 4], [2, 5]]);
    expect(r.inputNames).toEqual(["column 'a'", "column 'b'"]);
  });

  it("names file, line and column of a bad value; lenient mode drops the whole row and keeps the rest", async () => {
    const p = file("a,b\n1,2\n3,\n5,6\n");
    await expect(readSeriesFile(p, { column: "b", inputColumns: ["a"] })).rejects.toThrow(`${p}:3: field 'column 'b'': missing value`);
    const r = await readSeriesFile(p, { column: "b", inputColumns: ["a"], mode: "lenient" });
    expect(Array.from(r.values)).toEqual([2, 6]);
    expect(Array.from(r.inputs[0]!)).toEqual([1, 5]);
    expect(r.badLines).toBe(1);
    expect(r.errors[0]!.location).toMatchObject({ file: p, line: 3 });
    await expect(readSeriesFile(file(""))).rejects.toThrow(/no data/);
    await expect(readSeriesFile(file("a,b\n1,2\n"), { column: "z" })).rejects.toThrow(/no column 'z' \(columns: 'a', 'b'\)/);
  });

  it("fuzz: any text gives values or an InputError, never anything else; lenient mode never loses good rows", async () => {
    const line = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.constantFrom("", "#c", "x", "1e999", "NaN", " 7 ", "1,2", "--"));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 30 }), async (lines) => {
        const p = file(lines.join("\n"));
        try {
          const r = await readSeriesFile(p, { mode: "lenient" });
          for (const v of r.values) expect(Number.isFinite(v)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 200 },
    );
  });
});
