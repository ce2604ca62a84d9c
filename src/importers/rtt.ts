/**
 * Seattle RTT matrices (NetLatency-Data, Zhu et al., IEEE/ACM ToN 25(2) 2017) → hosts + `link` events with
 * one-way `latencyMs`. Each time slice `SeattleData_t` is a tab-separated n×n matrix (n = 99) whose (i, j) entry
 * is the RTT measured from node i to node j, in seconds. An entry of 0 or less off the diagonal is a missing
 * measurement. See docs/importers.md#rtt.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { ConfigError, InputError, IoError } from "../core/errors.js";
import { hostId } from "../core/model/ids.js";
import { makeHeader } from "../core/trace/codec.js";
import type { LinkEvent } from "../core/trace/events.js";
import { flatten } from "./merge.js";
import { BadLines, handleBadLine, numberedLines, parseNumber, type ParseMode, type ParseOptions } from "./parse-util.js";
import { expandInputs } from "./paths.js";
import type { ImportedTrace } from "./types.js";

/** One parsed time slice. */
export interface RttMatrix {
  /** Number of nodes (rows = columns). */
  readonly n: number;
  /** Row-major n×n RTTs in seconds; NaN on the diagonal, where an entry is missing, and in skipped rows. */
  readonly rttS: Float64Array;
  /** Off-diagonal entries that are 0 or negative (missing measurements). */
  readonly missing: number;
  /** Diagonal entries that are not 0 (ignored). */
  readonly nonZeroDiagonal: number;
  /** Rows skipped in lenient mode. */
  readonly badLines: number;
}

/**
 * Parses one RTT matrix: tab- (or space-) separated numbers, one row per line, as many rows as columns.
 * A row with a bad number or the wrong column count is an {@link InputError} naming file, line and column; in
 * lenient mode it is skipped (left NaN) and counted. A matrix that is not square is always an error.
 */
export function parseRttMatrix(text: string, file: string, options: Omit<ParseOptions, "file"> = {}): RttMatrix {
  const opts: ParseOptions = { ...options, file };
  const lines = numberedLines(text);
  if (lines.length === 0) throw new InputError({ file }, "empty RTT matrix");
  const n = lines.length;
  const rttS = new Float64Array(n * n).fill(Number.NaN);
  let missing = 0;
  let nonZeroDiagonal = 0;
  let badLines = 0;
  const row = new Float64Array(n);
  lines.forEach(({ text: t, line }, i) => {
    try {
      const cells = t.trim().split(/\s+/);
      if (cells.length !== n) {
        throw new InputError({ file, line, field: `column ${Math.min(cells.length, n) + 1}` }, `expected ${n} columns (a square ${n}×${n} matrix), found ${cells.length}`);
      }
      for (let j = 0; j < n; j++) row[j] = parseNumber(cells[j]!, { file, line }, `column ${j + 1}`);
    } catch (e) {
      handleBadLine(e, opts);
      badLines++;
      return;
    }
    for (let j = 0; j < n; j++) {
      const v = row[j]!;
      if (i === j) {
        if (v !== 0) nonZeroDiagonal++;
      } else if (v > 0) {
        rttS[i * n + j] = v;
      } else {
        missing++;
      }
    }
  });
  return { n, rttS, missing, nonZeroDiagonal, badLines };
}

/** The slice number of a file named like `SeattleData_17` (its trailing digits), or undefined. */
export function sliceNumber(path: string): number | undefined {
  const m = /(\d+)$/.exec(basename(path));
  return m === null ? undefined : Number(m[1]);
}

/** Host id of matrix row/column `i` (0-based): `n1`..`nN`, as the README's 1-based (i, j). */
export const rttHostId = (i: number): string => `n${i + 1}`;

export interface RttImportOptions {
  /** Time between slices (default {@link DEFAULT_SLICE_MS}). */
  readonly sliceMs?: number;
  readonly mode?: ParseMode;
}

/**
 * Default slice spacing. The data set's README gives none; the source papers describe the 688 Seattle frames as
 * collected over about three hours, i.e. about 15.7 s apart. Override with `sliceMs` when you know better.
 */
export const DEFAULT_SLICE_MS = 15_700;

/**
 * Imports RTT slices (files, or directories of `SeattleData_t` files; unpack the archive first). Slice t is at
 * `tMs = (t - 1) * sliceMs`; each measured entry (i, j) becomes a link event `n<i+1>` → `n<j+1>` with
 * `latencyMs = RTT / 2` (one-way, the trace's convention). Missing entries are skipped and counted; those
 * counts are appended to `warnings` once the events have been read.
 */
export async function openRtt(paths: string | readonly string[], options: RttImportOptions = {}): Promise<ImportedTrace> {
  const list = typeof paths === "string" ? [paths] : paths;
  const files = await expandInputs(list, (p) => sliceNumber(p) !== undefined);
  if (files.length === 0) throw new ConfigError("rtt import", [`no RTT slice files in ${list.join(", ")}`]);
  const slices = files.map((f, i) => ({ file: f, t: sliceNumber(f) ?? i + 1 }));
  slices.sort((a, b) => a.t - b.t);
  for (let i = 1; i < slices.length; i++) {
    if (slices[i]!.t === slices[i - 1]!.t) throw new ConfigError("rtt import", [`${slices[i - 1]!.file} and ${slices[i]!.file} are both slice ${slices[i]!.t}`]);
  }
  const sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
  if (!(sliceMs > 0)) throw new ConfigError("rtt import", [`sliceMs: ${sliceMs} is not positive`]);
  const bad = new BadLines();
  const parse = { mode: options.mode ?? "strict", onBadLine: bad.add } as const;
  const read = async (file: string): Promise<RttMatrix> => {
    const text = await readFile(file, "utf8").catch((e: unknown) => {
      throw new IoError(file, `cannot read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    });
    return parseRttMatrix(text, file, parse);
  };
  const first = await read(slices[0]!.file);
  const n = first.n;
  const hosts = Array.from({ length: n }, (_, i) => ({ id: hostId(rttHostId(i)) }));
  const ids = hosts.map((h) => h.id);
  const header = makeHeader({
    name: `rtt ${n} nodes, ${slices.length} slices`,
    source: list.join(", "),
    intervalMs: sliceMs,
    hosts,
    vms: [],
    links: [],
    meta: { importer: "rtt", nodes: n, slices: slices.length, firstSlice: slices[0]!.t, lastSlice: slices.at(-1)!.t, sliceMs, sourceUnit: "RTT in seconds", latencyMs: "one-way = RTT / 2" },
  });
  const warnings: string[] = [];
  const stats = { missing: 0, slicesWithMissing: 0, worst: { t: 0, missing: 0 }, nonZeroDiagonal: 0, over10s: 0 };
  async function* batches(): AsyncGenerator<LinkEvent[]> {
    for (let s = 0; s < slices.length; s++) {
      const { file, t } = slices[s]!;
      const m = s === 0 ? first : await read(file);
      if (m.n !== n) throw new InputError({ file }, `a ${m.n}×${m.n} matrix among ${n}×${n} ones`);
      stats.missing += m.missing;
      stats.nonZeroDiagonal += m.nonZeroDiagonal;
      if (m.missing > 0) stats.slicesWithMissing++;
      if (m.missing > stats.worst.missing) stats.worst = { t, missing: m.missing };
      const tMs = (t - 1) * sliceMs;
      const out: LinkEvent[] = [];
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const v = m.rttS[i * n + j]!;
          if (Number.isNaN(v)) continue;
          if (v > 10) stats.over10s++;
          out.push({ type: "link", tMs, from: ids[i]!, to: ids[j]!, latencyMs: (v * 1000) / 2 });
        }
      }
      yield out;
    }
    const offDiagonal = slices.length * n * (n - 1);
    if (stats.missing > 0) {
      warnings.push(
        `${stats.missing} of ${offDiagonal} off-diagonal RTTs are missing (0 or negative) and were skipped, in ${stats.slicesWithMissing} of ${slices.length} slices (most: ${stats.worst.missing} in slice ${stats.worst.t})`,
      );
    }
    if (stats.nonZeroDiagonal > 0) warnings.push(`${stats.nonZeroDiagonal} non-zero diagonal entries ignored`);
    if (stats.over10s > 0) warnings.push(`${stats.over10s} RTTs above 10 s (kept as measured)`);
    warnings.push(...bad.warnings("matrix row"));
  }
  return { header, events: flatten(batches()), warnings };
}
