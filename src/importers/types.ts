/**
 * Importers turn real data sets (SNDlib, Topology Zoo, MPI graphs, load traces, captures, RTT and bandwidth
 * series) into vadapt traces. Each parses its source in a pure function and streams events, so a large source
 * is never loaded whole where the format allows streaming.
 */
import type { TraceEvent, TraceHeader } from "../core/trace/events.js";

/** What an importer produces: the trace header, then its events in non-decreasing tMs order. */
export interface ImportedTrace {
  readonly header: TraceHeader;
  readonly events: AsyncIterable<TraceEvent> | Iterable<TraceEvent>;
  /** Things the user should know (missing coordinates, defaulted speeds, skipped records). */
  readonly warnings: string[];
}
