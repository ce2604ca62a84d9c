/**
 * What an agent needs from its host: sources of observations and an actuator for plan actions. The Linux overlay
 * driver and the simulated host both implement these.
 */
import type { HostId } from "../core/model/ids.js";
import type { TrafficEntry } from "../core/model/traffic.js";
import type { ActionSpec } from "../core/plan/actions.js";

export interface LoadSample {
  readonly cpuPct?: number;
  readonly memPct?: number;
  readonly loadAvg?: number;
  readonly netInMbps?: number;
  readonly netOutMbps?: number;
}

export interface LinkSample {
  readonly to: HostId;
  readonly mbps?: number;
  readonly latencyMs?: number;
  readonly lossPct?: number;
}

export interface HostSources {
  /** Per-MAC-pair traffic the host's daemon carried during `[startMs, startMs + intervalMs)`. */
  readTraffic(startMs: number, intervalMs: number): Promise<TrafficEntry[]>;
  readLoad(): Promise<LoadSample>;
  readLinks(): Promise<LinkSample[]>;
}

export interface HostActuator {
  /** Executes one plan action; throws (any error) when it fails. `macs` maps the VMs it names to their MACs. */
  execute(spec: ActionSpec, macs: Readonly<Record<string, string>>): Promise<void>;
}
