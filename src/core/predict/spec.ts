/**
 * The model-spec grammar of `vadapt predict --model` (after RPS's model strings, e.g. `AR 16`, `ARIMA 2 1 2`, in
 * Dinda & O'Hallaron, CMU-CS-99-138):
 *
 * ```
 * spec    := linear | "arx:" P "," Q | "wavelet:" WAVELET ":" LEVEL ":" linear
 * linear  := "mean" | "last" | "bm:" P | "ar:" P | "ar-burg:" P | "ma:" Q | "arma:" P "," Q
 *          | "arima:" P "," D "," Q
 * WAVELET := "haar" | "d4" | "d8"
 * ```
 * P, Q ≥ 1 and LEVEL ≥ 1 are integers (P, Q ≤ 512, LEVEL ≤ 20), D ∈ 0..3; in `arima`, P and Q may be 0.
 * Case and spaces are ignored.
 */
import { ConfigError } from "../errors.js";
import { WAVELET_NAMES, type WaveletName } from "./wavelet.js";

/** A model without exogenous inputs, fitted on one series. */
export type LinearSpec =
  | { readonly kind: "mean" }
  | { readonly kind: "last" }
  | { readonly kind: "bm"; readonly p: number }
  | { readonly kind: "ar"; readonly p: number; readonly method: "yule-walker" | "burg" }
  | { readonly kind: "ma"; readonly q: number }
  | { readonly kind: "arma"; readonly p: number; readonly q: number }
  | { readonly kind: "arima"; readonly p: number; readonly d: number; readonly q: number };

/** Any model spec. */
export type ModelSpec =
  | LinearSpec
  | { readonly kind: "arx"; readonly p: number; readonly q: number }
  | { readonly kind: "wavelet"; readonly wavelet: WaveletName; readonly level: number; readonly inner: LinearSpec };

/** Largest AR/MA order accepted. */
export const MAX_ORDER = 512;
/** Deepest wavelet level accepted. */
export const MAX_LEVEL = 20;
/** Largest order of differencing accepted. */
export const MAX_D = 3;

/** One line per production, for error messages and `--help`. */
export const SPEC_GRAMMAR =
  "mean | last | bm:P | ar:P | ar-burg:P | ma:Q | arma:P,Q | arima:P,D,Q | arx:P,Q | wavelet:(haar|d4|d8):LEVEL:<linear spec>";

function fail(text: string, why: string): never {
  throw new ConfigError(`model spec '${text}'`, [`${why}; expected ${SPEC_GRAMMAR}`]);
}

function ints(text: string, args: string, count: number, names: string[], min: number[], max: number[]): number[] {
  const parts = args.split(",");
  if (parts.length !== count || args === "") fail(text, `needs ${count} number(s) ${names.join(",")}`);
  return parts.map((s, i) => {
    const v = Number(s);
    if (!/^\d+$/.test(s) || !Number.isSafeInteger(v) || v < min[i]! || v > max[i]!) fail(text, `${names[i]} must be an integer in ${min[i]}..${max[i]}, got '${s}'`);
    return v;
  });
}

/** Parses a model spec; throws {@link ConfigError} naming the spec and the grammar on any problem. */
export function parseSpec(input: string): ModelSpec {
  const text = input.replace(/\s+/g, "").toLowerCase();
  const colon = text.indexOf(":");
  const head = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? "" : text.slice(colon + 1);
  const noArgs = (): void => {
    if (colon >= 0) fail(input, `'${head}' takes no parameters`);
  };
  switch (head) {
    case "mean":
      noArgs();
      return { kind: "mean" };
    case "last":
      noArgs();
      return { kind: "last" };
    case "bm": {
      const [p] = ints(input, rest, 1, ["P"], [1], [MAX_ORDER]);
      return { kind: "bm", p: p! };
    }
    case "ar":
    case "ar-burg": {
      const [p] = ints(input, rest, 1, ["P"], [1], [MAX_ORDER]);
      return { kind: "ar", p: p!, method: head === "ar" ? "yule-walker" : "burg" };
    }
    case "ma": {
      const [q] = ints(input, rest, 1, ["Q"], [1], [MAX_ORDER]);
      return { kind: "ma", q: q! };
    }
    case "arma": {
      const [p, q] = ints(input, rest, 2, ["P", "Q"], [1, 1], [MAX_ORDER, MAX_ORDER]);
      return { kind: "arma", p: p!, q: q! };
    }
    case "arima": {
      const [p, d, q] = ints(input, rest, 3, ["P", "D", "Q"], [0, 0, 0], [MAX_ORDER, MAX_D, MAX_ORDER]);
      return { kind: "arima", p: p!, d: d!, q: q! };
    }
    case "arx": {
      const [p, q] = ints(input, rest, 2, ["P", "Q"], [1, 1], [MAX_ORDER, MAX_ORDER]);
      return { kind: "arx", p: p!, q: q! };
    }
    case "wavelet": {
      const m = /^([a-z0-9]+):(\d+):(.+)$/.exec(rest);
      if (m === null) fail(input, "a wavelet spec is wavelet:WAVELET:LEVEL:<linear spec>");
      const name = m[1]!;
      if (!(WAVELET_NAMES as readonly string[]).includes(name)) fail(input, `unknown wavelet '${name}' (haar, d4 = PyWavelets db2, d8 = db4)`);
      const [level] = ints(input, m[2]!, 1, ["LEVEL"], [1], [MAX_LEVEL]);
      const inner = parseSpec(m[3]!);
      if (inner.kind === "arx" || inner.kind === "wavelet") fail(input, `the model at the coarse scale must be a linear model, not '${inner.kind}'`);
      return { kind: "wavelet", wavelet: name as WaveletName, level: level!, inner };
    }
    default:
      return fail(input, `unknown model '${head}'`);
  }
}

/** The canonical text of a spec (`parseSpec(formatSpec(s))` equals `s`). */
export function formatSpec(s: ModelSpec): string {
  switch (s.kind) {
    case "mean":
    case "last":
      return s.kind;
    case "bm":
      return `bm:${s.p}`;
    case "ar":
      return `${s.method === "burg" ? "ar-burg" : "ar"}:${s.p}`;
    case "ma":
      return `ma:${s.q}`;
    case "arma":
      return `arma:${s.p},${s.q}`;
    case "arima":
      return `arima:${s.p},${s.d},${s.q}`;
    case "arx":
      return `arx:${s.p},${s.q}`;
    case "wavelet":
      return `wavelet:${s.wavelet}:${s.level}:${formatSpec(s.inner)}`;
  }
}

/** Parses a list of specs separated by spaces or semicolons (`"mean last ar:16 arma:4,4"`). */
export function parseSpecList(text: string): ModelSpec[] {
  const items = text.split(/[\s;]+/).filter((s) => s !== "");
  if (items.length === 0) throw new ConfigError("model list", ["is empty; give specs separated by spaces or ';'"]);
  return items.map(parseSpec);
}
