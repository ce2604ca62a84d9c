/**
 * The vadapt trace format, version 1: one JSON object per line (NDJSON). See traces/FORMAT.md.
 * Line 1 is the header; every later line is one event, in non-decreasing `tMs` order.
 */
import { z } from "zod";
import { HostId, Mac, VmId } from "../model/ids.js";
import { Host, OverlayLink, Vm } from "../model/network.js";

export const TRACE_FORMAT = "vadapt-trace";
export const TRACE_VERSION = 1;

const nonNeg = z.number().nonnegative();
const time = z.number().nonnegative();

/** The first line: what the trace is about. */
export const TraceHeader = z.object({
  type: z.literal("header"),
  format: z.literal(TRACE_FORMAT),
  version: z.number().int().positive(),
  /** Free-form name and provenance (importer, source file). */
  name: z.string().optional(),
  source: z.string().optional(),
  /** Wall-clock time of `tMs = 0`, ISO 8601, if known. */
  startTime: z.string().optional(),
  /** The nominal reporting interval, ms. */
  intervalMs: z.number().positive().optional(),
  hosts: z.array(Host),
  vms: z.array(Vm),
  links: z.array(OverlayLink),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type TraceHeader = z.infer<typeof TraceHeader>;
export type TraceHeaderInput = z.input<typeof TraceHeader>;

/** `[srcMac, dstMac, bytes, packets]`: one cell of a sparse traffic matrix. */
export const TrafficCell = z.tuple([Mac, Mac, nonNeg, nonNeg]);

/** A traffic-matrix report: the frames an observer saw during `[startMs, startMs + intervalMs)`. */
export const TrafficEvent = z.object({
  type: z.literal("traffic"),
  /** When the report was made (arrival at the optimizer); `>= startMs + intervalMs` for a timely report. */
  tMs: time,
  /** The host whose daemon observed the frames; absent for an already global (aggregated) matrix. */
  host: HostId.optional(),
  startMs: time,
  intervalMs: z.number().positive(),
  entries: z.array(TrafficCell),
});
export type TrafficEvent = z.infer<typeof TrafficEvent>;

/** A load sample of a host or of a VM (exactly one of `host`, `vm`). */
export const LoadEvent = z
  .object({
    type: z.literal("load"),
    tMs: time,
    host: HostId.optional(),
    vm: VmId.optional(),
    /** CPU use, percent of the subject's capacity (may exceed 100 for multi-core totals in some sources). */
    cpuPct: nonNeg.optional(),
    memPct: nonNeg.optional(),
    netInMbps: nonNeg.optional(),
    netOutMbps: nonNeg.optional(),
    /** The host's run-queue load average, where known. */
    loadAvg: nonNeg.optional(),
  })
  .refine((e) => (e.host === undefined) !== (e.vm === undefined), { message: "exactly one of 'host' and 'vm' is required", path: ["host"] });
export type LoadEvent = z.infer<typeof LoadEvent>;

/** A measurement of one overlay link (or host pair): available bandwidth and/or latency. */
export const LinkEvent = z
  .object({
    type: z.literal("link"),
    tMs: time,
    from: HostId,
    to: HostId,
    mbps: nonNeg.optional(),
    latencyMs: nonNeg.optional(),
    lossPct: z.number().min(0).max(100).optional(),
  })
  .refine((e) => e.mbps !== undefined || e.latencyMs !== undefined || e.lossPct !== undefined, {
    message: "a link measurement needs at least one of mbps, latencyMs, lossPct",
    path: ["mbps"],
  });
export type LinkEvent = z.infer<typeof LinkEvent>;

/** A VM that appears during the trace (e.g. a MAC first seen in a capture), or moves. */
export const VmEvent = z.object({
  type: z.literal("vm"),
  tMs: time,
  vm: Vm,
});
export type VmEvent = z.infer<typeof VmEvent>;

/** Ground truth for experiments: the application's true communication pattern from `tMs` on. */
export const TruthEvent = z.object({
  type: z.literal("truth"),
  tMs: time,
  /** Pattern class, e.g. `ring`, `all-to-all`, `mesh2d`, `unknown`. */
  pattern: z.string().min(1),
  /** `[srcVm, dstVm, mbps]` demands of the true pattern, if known. */
  demands: z.array(z.tuple([VmId, VmId, nonNeg])).optional(),
  note: z.string().optional(),
});
export type TruthEvent = z.infer<typeof TruthEvent>;

/**
 * A clock mark: the recorder's time reached `tMs` (nothing else happened). A service recording its input writes one
 * whenever its clock, not a report, moved the loop forward, so that a replay closes intervals exactly when it did.
 */
export const MarkEvent = z.object({
  type: z.literal("mark"),
  tMs: time,
});
export type MarkEvent = z.infer<typeof MarkEvent>;

export const TraceEvent = z.discriminatedUnion("type", [TrafficEvent, LoadEvent, LinkEvent, VmEvent, TruthEvent, MarkEvent]);
export type TraceEvent = z.infer<typeof TraceEvent>;
export type TraceEventType = TraceEvent["type"];
export const EVENT_TYPES: readonly TraceEventType[] = ["traffic", "load", "link", "vm", "truth", "mark"];
