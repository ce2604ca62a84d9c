/**
 * Mahimahi link capacity traces (Winstein et al., "Stochastic Forecasts Achieve High Throughput and Low Delay
 * over Cellular Networks", NSDI 2013) → `link` events with the capacity in Mbit/s per time bin. Each line of a
 * trace is a millisecond timestamp at which one 1500-byte packet may cross the link (repeated for several
 * packets in one millisecond). See docs/importers.md#bw.
 */
import { basename } from "node:path";
import { readLineBatches } from "../adapters/trace/lines.js";
import { ConfigError, InputError } from "../core/errors.js";
import { hostId, type HostId } from "../core/model/ids.js";
import { makeHeader } from "../core/trace/codec.js";
import type { LinkEvent } from "../core/trace/events.js";
import { flatten, mergeBatchesByTime } from "./merge.js";
import { BadLines, handleBadLine, parseIndex, type ParseMode, type ParseOptions } from "./parse-util.js";
import type { ImportedTrace } from "./types.js";

/** Bytes one delivery opportunity carries (an MTU-sized packet). */
export const MAHIMAHI_PACKET_BYTES = 1500;

/** The longest silence accepted between two delivery opportunities (a day; real traces last minutes). */
export const MAX_GAP_MS = 86_400_000;

/** Mbit/s of `count` delivery opportunities in a `binMs` bin. */
export const opportunitiesToMbps = (count: number, binMs: number): number => (count * MAHIMAHI_PACKET_BYTES * 8) / (binMs * 1000);

/**
 * Counts delivery opportunities into bins of `binMs` as lines arrive. The trace's period is its last timestamp
 * D (mahimahi replays the file with that period), so only the floor(D / binMs) bins that lie wholly before D are
 * complete; the opportunities from the last complete bin's end on are dropped (counted in `droppedTail`).
 */
export class MahimahiBinner {
  readonly binMs: number;
  /** Opportunities accepted so far. */
  opportunities = 0;
  private lastMs = -1;
  private bin = 0;
  private count = 0;

  constructor(binMs: number) {
    if (!Number.isInteger(binMs) || binMs <= 0) throw new RangeError(`binMs must be a positive integer, not ${binMs}`);
    this.binMs = binMs;
  }

  /**
   * Parses and adds one line; returns the counts of the bins it completes (possibly none). Throws an
   * {@link InputError} for a line that is not a non-negative integer, goes back in time or jumps more than
   * {@link MAX_GAP_MS} ahead, leaving the binner unchanged.
   */
  addLine(text: string, where: { file?: string; line: number }): number[] {
    const ms = parseIndex(text, where, "timestampMs");
    if (ms < this.lastMs) throw new InputError({ ...where, field: "timestampMs" }, `time goes backwards (${ms} < ${this.lastMs})`);
    if (ms - Math.max(this.lastMs, 0) > MAX_GAP_MS) throw new InputError({ ...where, field: "timestampMs" }, `${ms} ms jumps more than a day past the previous opportunity: not a capacity trace?`);
    this.lastMs = ms;
    this.opportunities++;
    const b = Math.floor(ms / this.binMs);
    if (b === this.bin) {
      this.count++;
      return [];
    }
    const done = [this.count];
    for (let k = this.bin + 1; k < b; k++) done.push(0);
    this.bin = b;
    this.count = 1;
    return done;
  }

  /** Opportunities in the final, incomplete bin (dropped). */
  get droppedTail(): number {
    return this.count;
  }
}

/**
 * Bins a mahimahi trace (its text, or its lines) into Mbit/s per `binMs` bin: element k is the capacity over
 * `[k * binMs, (k + 1) * binMs)`, for the floor(D / binMs) complete bins before the last timestamp D.
 * Malformed lines are {@link InputError}s (strict, the default) or skipped and reported (lenient).
 */
export function binMahimahi(input: string | readonly string[], binMs: number, options: ParseOptions = {}): Float64Array {
  const lines = typeof input === "string" ? input.split("\n") : input;
  const binner = new MahimahiBinner(binMs);
  const counts: number[] = [];
  lines.forEach((raw, i) => {
    const t = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (t.trim() === "") return;
    try {
      for (const c of binner.addLine(t, { ...(options.file !== undefined ? { file: options.file } : {}), line: i + 1 })) counts.push(c);
    } catch (e) {
      handleBadLine(e, options);
    }
  });
  return Float64Array.from(counts, (c) => opportunitiesToMbps(c, binMs));
}

export interface BwImportOptions {
  /** Bin width (default 1000 ms). */
  readonly binMs?: number;
  /** The mobile side (default `mobile`): `.up` traces are from → to, `.down` traces to → from. */
  readonly from?: string;
  /** The network side (default `server`). */
  readonly to?: string;
  readonly mode?: ParseMode;
}

/** Which way a trace file runs: `.down` files run to → from, everything else from → to. */
function direction(file: string, from: HostId, to: HostId): [HostId, HostId] {
  return basename(file).endsWith(".down") ? [to, from] : [from, to];
}

/**
 * Imports mahimahi traces (one per direction, e.g. `X.up` and `X.down`) as link events: one per complete bin,
 * at the bin's end (`tMs = (k + 1) * binMs`), with `mbps` the bin's capacity. Skipped-line counts are appended
 * to `warnings` once the events have been read.
 */
export async function openBw(paths: string | readonly string[], options: BwImportOptions = {}): Promise<ImportedTrace> {
  const files = typeof paths === "string" ? [paths] : [...paths];
  const binMs = options.binMs ?? 1000;
  const problems: string[] = [];
  if (!Number.isInteger(binMs) || binMs <= 0) problems.push(`binMs: ${binMs} is not a positive integer`);
  const from = hostId(options.from ?? "mobile");
  const to = hostId(options.to ?? "server");
  if (from === to) problems.push(`from and to are both '${from}'`);
  if (files.length === 0) problems.push("no trace files");
  const dirs = files.map((f) => direction(f, from, to));
  const seen = new Map<string, string>();
  files.forEach((f, i) => {
    const k = dirs[i]!.join(" -> ");
    if (seen.has(k)) problems.push(`${seen.get(k)} and ${f} both describe ${k}`);
    seen.set(k, f);
  });
  if (problems.length > 0) throw new ConfigError("bw import", problems);

  const bad = new BadLines();
  const warnings: string[] = [];
  const header = makeHeader({
    name: `bw ${files.map((f) => basename(f)).join(" + ")}`,
    source: files.join(", "),
    intervalMs: binMs,
    hosts: [{ id: from }, { id: to }],
    vms: [],
    links: [],
    meta: { importer: "bw", binMs, packetBytes: MAHIMAHI_PACKET_BYTES, traces: files.map((f, i) => ({ file: f, from: dirs[i]![0], to: dirs[i]![1] })), eventTime: "end of bin" },
  });
  const stream = (file: string, [a, b]: [HostId, HostId]): AsyncGenerator<LinkEvent[]> =>
    (async function* (): AsyncGenerator<LinkEvent[]> {
      const binner = new MahimahiBinner(binMs);
      const opts: ParseOptions = { file, mode: options.mode ?? "strict", onBadLine: bad.add };
      let bins = 0;
      for await (const batch of readLineBatches(file)) {
        const out: LinkEvent[] = [];
        for (const l of batch) {
          let done: number[];
          try {
            done = binner.addLine(l.text, { file, line: l.line });
          } catch (e) {
            handleBadLine(e, opts);
            continue;
          }
          for (const c of done) out.push({ type: "link", tMs: ++bins * binMs, from: a, to: b, mbps: opportunitiesToMbps(c, binMs) });
        }
        if (out.length > 0) yield out;
      }
      if (binner.opportunities === 0) throw new InputError({ file }, "no delivery opportunities");
      if (bins === 0) warnings.push(`${file}: shorter than one ${binMs} ms bin, no events`);
    })();
  async function* events(): AsyncGenerator<LinkEvent> {
    yield* flatten(mergeBatchesByTime(files.map((f, i) => stream(f, dirs[i]!))));
    warnings.push(...bad.warnings("line"));
  }
  return { header, events: events(), warnings };
}
