/**
 * The optimizer's boundary: turns raw report messages into trace events, rejecting (with a reason, counted) what
 * is oversized, malformed, spoofed (payload host ≠ subject host), for another overlay, stale, or replayed.
 * Nothing here throws for bad input: a bad message is a value.
 */
import { Buffer } from "node:buffer";
import { z } from "zod";
import { InputError } from "../errors.js";
import type { LinkEvent, LoadEvent, TraceEvent, TrafficEvent } from "../trace/events.js";
import { check } from "../validate.js";
import { decodeCellTuples } from "./cells.js";
import { LinkReport, LoadReport, TrafficReport } from "./payloads.js";
import { parseReportSubject, type ReportKind } from "./subjects.js";

export const RejectReason = {
  Oversized: "oversized",
  Malformed: "malformed",
  WrongSubject: "wrong-subject",
  Spoofed: "spoofed",
  Stale: "stale",
  Replayed: "replayed",
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

export type IngestResult =
  | { readonly ok: true; readonly kind: ReportKind; readonly host: string; readonly events: TraceEvent[] }
  | { readonly ok: false; readonly reason: RejectReason; readonly detail: string };

export interface IngestGuardOptions {
  readonly overlay: string;
  /** Largest accepted message, bytes. */
  readonly maxBytes: number;
  /** A report about a time older than `now - staleMs` is stale. */
  readonly staleMs: number;
}

const schemas = { traffic: TrafficReport, load: LoadReport, link: LinkReport } as const;

/** Validates report messages and converts them to trace events, remembering each agent's last sequence number. */
export class IngestGuard {
  private readonly lastSeq = new Map<string, number>();
  readonly rejected: Record<RejectReason, number> = { oversized: 0, malformed: 0, "wrong-subject": 0, spoofed: 0, stale: 0, replayed: 0 };
  accepted = 0;

  constructor(private readonly opts: IngestGuardOptions) {}

  private reject(reason: RejectReason, detail: string): IngestResult {
    this.rejected[reason]++;
    return { ok: false, reason, detail };
  }

  /** Checks one message received on `subject` at time `nowMs`. */
  accept(subject: string, data: Uint8Array, nowMs: number): IngestResult {
    if (data.byteLength > this.opts.maxBytes) return this.reject("oversized", `${data.byteLength} bytes > ${this.opts.maxBytes}`);
    const s = parseReportSubject(subject);
    if (s === null || s.overlay !== this.opts.overlay) return this.reject("wrong-subject", `not a report subject of overlay '${this.opts.overlay}': ${subject}`);
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8"));
    } catch (e) {
      return this.reject("malformed", `not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    const r = check(schemas[s.kind] as z.ZodType<TrafficReport | LoadReport | LinkReport>, raw);
    if (!r.ok) return this.reject("malformed", r.problems.map((p) => `${p.field}: ${p.message}`).join("; "));
    const msg = r.value;
    if (msg.host !== s.host || msg.overlay !== s.overlay) return this.reject("spoofed", `payload says ${msg.overlay}/${msg.host}, subject says ${s.overlay}/${s.host}`);
    const at = "startMs" in msg ? msg.startMs : msg.tMs;
    if (at < nowMs - this.opts.staleMs) return this.reject("stale", `about t=${at}, now ${nowMs}, older than ${this.opts.staleMs} ms`);
    const key = `${s.kind}|${s.host}`;
    const last = this.lastSeq.get(key);
    if (last !== undefined && msg.seq <= last) return this.reject("replayed", `seq ${msg.seq} <= last seen ${last} from ${s.host}`);
    let events: TraceEvent[];
    try {
      events = toEvents(s.kind, msg, nowMs, subject);
    } catch (e) {
      if (e instanceof InputError) return this.reject("malformed", e.message);
      throw e;
    }
    this.lastSeq.set(key, msg.seq);
    this.accepted++;
    return { ok: true, kind: s.kind, host: s.host, events };
  }
}

function toEvents(kind: ReportKind, msg: TrafficReport | LoadReport | LinkReport, nowMs: number, subject: string): TraceEvent[] {
  switch (kind) {
    case "traffic": {
      const m = msg as TrafficReport;
      const cells = decodeCellTuples(Buffer.from(m.cells, "base64"), { file: subject, field: "cells" });
      const e: TrafficEvent = {
        type: "traffic",
        tMs: Math.max(nowMs, m.startMs + m.intervalMs),
        host: m.host,
        startMs: m.startMs,
        intervalMs: m.intervalMs,
        entries: cells,
      };
      return [e];
    }
    case "load": {
      const m = msg as LoadReport;
      const e: LoadEvent = { type: "load", tMs: m.tMs, host: m.host };
      for (const k of ["cpuPct", "memPct", "loadAvg", "netInMbps", "netOutMbps"] as const) if (m[k] !== undefined) e[k] = m[k];
      return [e];
    }
    case "link": {
      const m = msg as LinkReport;
      return m.links.map((l) => {
        const e: LinkEvent = { type: "link", tMs: m.tMs, from: m.host, to: l.to };
        if (l.mbps !== undefined) e.mbps = l.mbps;
        if (l.latencyMs !== undefined) e.latencyMs = l.latencyMs;
        if (l.lossPct !== undefined) e.lossPct = l.lossPct;
        return e;
      });
    }
  }
}
