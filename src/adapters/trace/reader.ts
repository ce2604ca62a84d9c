/**
 * Streaming trace reader: validates every line, in strict mode stops at the first bad one, in lenient mode
 * skips and counts bad lines (keeping the first errors for the report) and loses nothing already read.
 */
import { InputError, VadaptError } from "../../core/errors.js";
import { decodeHeader, TraceDecoder } from "../../core/trace/codec.js";
import type { TraceEvent, TraceHeader } from "../../core/trace/events.js";
import { readLineBatches, type NumberedLine } from "./lines.js";

export interface TraceReadOptions {
  /** Stop at the first bad line (default) or skip and count bad lines. */
  readonly mode?: "strict" | "lenient";
  /** How many bad-line errors to keep for reporting in lenient mode (default 100; all are counted). */
  readonly keepErrors?: number;
  /** Called for every bad line in lenient mode. */
  readonly onBadLine?: (error: InputError) => void;
}

/** What a reader has seen so far. */
export interface TraceReadStats {
  /** Bytes of trace text read so far (after decompression). */
  bytes: number;
  lines: number;
  events: number;
  badLines: number;
  /** The first `keepErrors` bad-line errors. */
  readonly errors: InputError[];
}

/** An opened trace: its header, then its events in batches or one by one. */
export interface TraceReader {
  readonly path: string;
  readonly header: TraceHeader;
  readonly stats: TraceReadStats;
  /** Events in batches (fast path). May be iterated once. */
  batches(): AsyncGenerator<TraceEvent[]>;
  /** Events one at a time. May be iterated once. */
  events(): AsyncGenerator<TraceEvent>;
}

/** Opens a trace file (`.gz` is gunzipped; `-` is stdin) and reads its header. */
export async function openTrace(path: string, options: TraceReadOptions = {}): Promise<TraceReader> {
  const mode = options.mode ?? "strict";
  const keep = options.keepErrors ?? 100;
  const stats: TraceReadStats = { bytes: 0, lines: 0, events: 0, badLines: 0, errors: [] };
  const lines = readLineBatches(path, undefined, (n) => {
    stats.bytes += n;
  });
  let pending: NumberedLine[] = [];
  let headerLine: NumberedLine | undefined;
  while (headerLine === undefined) {
    const next = await lines.next();
    if (next.done === true) throw new InputError({ file: path, line: 1 }, "empty trace: no header line");
    pending = next.value;
    headerLine = pending.shift();
  }
  stats.lines = headerLine.line;
  const header = decodeHeader(headerLine.text, { file: path, line: headerLine.line });
  const decoder = new TraceDecoder(header);
  let used = false;

  const decodeBatch = (batch: readonly NumberedLine[]): TraceEvent[] => {
    const out: TraceEvent[] = [];
    for (const l of batch) {
      stats.lines = l.line;
      try {
        out.push(decoder.decode(l.text, { file: path, line: l.line }));
        stats.events++;
      } catch (e) {
        if (!(e instanceof InputError) || mode === "strict") throw e;
        stats.badLines++;
        if (stats.errors.length < keep) stats.errors.push(e);
        options.onBadLine?.(e);
      }
    }
    return out;
  };

  async function* batches(): AsyncGenerator<TraceEvent[]> {
    if (used) throw new VadaptError("E_INTERNAL", `trace ${path} is already being read`);
    used = true;
    if (pending.length > 0) {
      const first = decodeBatch(pending);
      pending = [];
      if (first.length > 0) yield first;
    }
    for await (const batch of lines) {
      const decoded = decodeBatch(batch);
      if (decoded.length > 0) yield decoded;
    }
  }

  async function* events(): AsyncGenerator<TraceEvent> {
    for await (const batch of batches()) yield* batch;
  }

  return { path, header, stats, batches, events };
}
