/**
 * Reads the series `vadapt predict` works on: a plain series file (one number per line, or delimited columns
 * with an optional header, `.gz` allowed) or a vadapt trace (one subject's measure, via SeriesExtractor).
 * Bad lines are errors naming file, line and column (strict), or are skipped and counted (lenient).
 */
import { InputError } from "../../core/errors.js";
import { SeriesExtractor, describeSelection, type SeriesSelection } from "../../core/trace/series.js";
import { readLineBatches } from "../trace/lines.js";
import { openTrace } from "../trace/reader.js";

/** A series with its same-time inputs and what was skipped. */
export interface LoadedSeries {
  /** What the series is, e.g. `column 'CPU usage [%]'` or `host h1 cpuPct`. */
  readonly description: string;
  readonly values: Float64Array;
  readonly inputs: readonly Float64Array[];
  readonly inputNames: readonly string[];
  /** Lines (or trace events) skipped in lenient mode. */
  readonly badLines: number;
  /** The first errors of those (lenient mode). */
  readonly errors: readonly InputError[];
}

/** Options of {@link readSeriesFile}. */
export interface SeriesFileOptions {
  /** The series column: header name or 1-based index. Required when the file has several columns. */
  readonly column?: string;
  /** Input columns (ARX), same syntax. */
  readonly inputColumns?: readonly string[];
  readonly mode?: "strict" | "lenient";
}

const KEEP_ERRORS = 20;

function splitter(line: string): (s: string) => string[] {
  if (line.includes(";")) return (s) => s.split(";");
  if (line.includes("\t")) return (s) => s.split("\t");
  if (line.includes(",")) return (s) => s.split(",");
  return (s) => s.trim().split(/\s+/);
}

const isNumber = (s: string): boolean => s.trim() !== "" && Number.isFinite(Number(s.trim()));

/** Reads a plain series file. */
export async function readSeriesFile(path: string, options: SeriesFileOptions = {}): Promise<LoadedSeries> {
  const mode = options.mode ?? "strict";
  const values: number[] = [];
  const wanted = [options.column, ...(options.inputColumns ?? [])];
  const inputs: number[][] = (options.inputColumns ?? []).map(() => []);
  const errors: InputError[] = [];
  let badLines = 0;
  let split: ((s: string) => string[]) | null = null;
  let columns: number[] = [];
  let names: string[] = [];
  const resolve = (spec: string | undefined, header: string[] | null, width: number, line: number): number => {
    if (spec === undefined) {
      if (width === 1) return 0;
      throw new InputError({ file: path, line }, `${width} columns: choose the series with --column (${header !== null ? header.map((h) => `'${h.trim()}'`).join(", ") : `1..${width}`})`);
    }
    if (header !== null) {
      const i = header.findIndex((h) => h.trim() === spec.trim());
      if (i >= 0) return i;
      const j = header.findIndex((h) => h.trim().toLowerCase() === spec.trim().toLowerCase());
      if (j >= 0) return j;
    }
    if (/^\d+$/.test(spec) && Number(spec) >= 1 && Number(spec) <= width) return Number(spec) - 1;
    throw new InputError({ file: path, line }, `no column '${spec}' (${header !== null ? `columns: ${header.map((h) => `'${h.trim()}'`).join(", ")}` : `columns 1..${width}`})`);
  };
  for await (const batch of readLineBatches(path)) {
    for (const { text, line } of batch) {
      if (text.trimStart().startsWith("#") || text.trim() === "") continue;
      if (split === null) {
        split = splitter(text);
        const fields = split(text);
        const header = fields.some((f) => !isNumber(f)) ? fields : null;
        columns = wanted.map((w) => resolve(w, header, fields.length, line));
        names = columns.map((c) => (header !== null ? `column '${header[c]!.trim()}'` : fields.length === 1 ? "values" : `column ${c + 1}`));
        if (header !== null) continue;
      }
      const fields = split(text);
      const row: number[] = [];
      let bad: InputError | null = null;
      for (let k = 0; k < columns.length; k++) {
        const raw = fields[columns[k]!];
        const v = raw === undefined ? Number.NaN : Number(raw.trim());
        if (raw === undefined || raw.trim() === "" || !Number.isFinite(v)) {
          bad = new InputError({ file: path, line, field: names[k] }, raw === undefined || raw.trim() === "" ? "missing value" : `'${raw.trim()}' is not a finite number`);
          break;
        }
        row.push(v);
      }
      if (bad !== null) {
        if (mode === "strict") throw bad;
        badLines++;
        if (errors.length < KEEP_ERRORS) errors.push(bad);
        continue;
      }
      values.push(row[0]!);
      for (let m = 0; m < inputs.length; m++) inputs[m]!.push(row[m + 1]!);
    }
  }
  if (split === null) throw new InputError({ file: path }, "no data: the file is empty");
  return {
    description: names[0]!,
    values: Float64Array.from(values),
    inputs: inputs.map((a) => Float64Array.from(a)),
    inputNames: names.slice(1),
    badLines,
    errors,
  };
}

/** Reads one series (and its inputs) from a vadapt trace. */
export async function readTraceSeries(path: string, selection: SeriesSelection, mode: "strict" | "lenient" = "strict"): Promise<LoadedSeries> {
  const reader = await openTrace(path, { mode, keepErrors: KEEP_ERRORS });
  const ex = new SeriesExtractor(reader.header, selection);
  for await (const batch of reader.batches()) for (const e of batch) ex.add(e);
  const r = ex.result();
  const base = describeSelection(selection);
  return {
    description: base,
    values: r.values,
    inputs: r.inputs,
    inputNames: selection.inputs.map((f) => `${base.slice(0, base.lastIndexOf(" "))} ${f}`),
    badLines: reader.stats.badLines,
    errors: reader.stats.errors,
  };
}

/** True when the first non-empty line of a file looks like a trace header (a JSON object). */
export async function looksLikeTrace(path: string): Promise<boolean> {
  for await (const batch of readLineBatches(path)) {
    for (const { text } of batch) if (text.trim() !== "") return text.trimStart().startsWith("{");
  }
  return false;
}
