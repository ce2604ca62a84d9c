/** Loads the reference values written by test/fixtures/predict/make_fixtures.py (statsmodels, scipy, PyWavelets). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../helpers/data.js";

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(REPO_ROOT, "test/fixtures/predict", name), "utf8")) as T;
}

/** Largest absolute difference between two equally long arrays (Infinity if the lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export interface ArFixture {
  series: Array<{
    name: string;
    x: number[];
    cases: Array<{ order: number; yuleWalker: { phi: number[]; sigma2: number }; burg: { phi: number[]; sigma2: number } }>;
  }>;
}

export interface ArxFixture {
  y: number[];
  u: number[][];
  cases: Array<{ p: number; q: number; inputs: number[]; intercept: number; ar: number[]; b: number[][]; sigma2: number; nobs: number }>;
}

export interface ArmaFixture {
  cases: Array<{ name: string; p: number; q: number; x: number[]; mean: number; phi: number[]; theta: number[]; css: number; sigma2: number }>;
}

export interface DwtFixture {
  filters: Record<string, { pywt: string; decLo: number[]; decHi: number[] }>;
  cases: Array<{ wavelet: "haar" | "d4" | "d8"; pywt: string; mode: "periodization" | "zero"; level: number; x: number[]; approx: number[]; detailsCoarsestFirst: number[][] }>;
}
