/**
 * Versioned message payloads (JSON, validated with zod at the boundary). Traffic matrices travel in the compact
 * binary cell encoding (cells.ts), base64 in the JSON envelope.
 */
import { z } from "zod";
import { HostId, VmId } from "../model/ids.js";
import { ActionSpec } from "../plan/actions.js";

const time = z.number().nonnegative();
const seq = z.number().int().nonnegative();
const base = { v: z.literal(1), overlay: z.string().min(1), host: HostId, seq, sentMs: time };

export const TrafficReport = z.object({
  ...base,
  startMs: time,
  intervalMs: z.number().positive(),
  /** base64 of the VTC1 cell encoding. */
  cells: z.string(),
});
export type TrafficReport = z.infer<typeof TrafficReport>;

export const LoadReport = z.object({
  ...base,
  tMs: time,
  cpuPct: z.number().nonnegative().optional(),
  memPct: z.number().nonnegative().optional(),
  loadAvg: z.number().nonnegative().optional(),
  netInMbps: z.number().nonnegative().optional(),
  netOutMbps: z.number().nonnegative().optional(),
});
export type LoadReport = z.infer<typeof LoadReport>;

export const LinkReport = z.object({
  ...base,
  tMs: time,
  links: z.array(
    z.object({
      to: HostId,
      mbps: z.number().nonnegative().optional(),
      latencyMs: z.number().nonnegative().optional(),
      lossPct: z.number().min(0).max(100).optional(),
    }),
  ),
});
export type LinkReport = z.infer<typeof LinkReport>;

/** A command to one agent: execute (or revert) one plan action. Idempotent by `actionId`. */
export const Command = z.object({
  v: z.literal(1),
  overlay: z.string().min(1),
  planId: z.string().min(1),
  actionId: z.string().min(1),
  attempt: z.number().int().positive(),
  spec: ActionSpec,
  /** The VMs' MACs the action concerns, so an agent needs no directory of its own. */
  macs: z.record(VmId, z.string()),
  sentMs: time,
});
export type Command = z.infer<typeof Command>;

export const Ack = z.object({
  v: z.literal(1),
  actionId: z.string().min(1),
  host: HostId,
  ok: z.boolean(),
  /** True when the agent had already executed this id (a retry or a duplicate): nothing was done again. */
  duplicate: z.boolean().default(false),
  error: z.string().optional(),
  retryable: z.boolean().optional(),
});
export type Ack = z.infer<typeof Ack>;
