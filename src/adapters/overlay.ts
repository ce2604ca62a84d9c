/**
 * What a host agent needs from the overlay's data plane: an actuator that changes the host's part of the overlay,
 * and a source of observations. The Linux driver (src/adapters/linux/) implements both over bridges, VXLAN
 * tunnels and nftables in network namespaces; a simulated host can implement them for tests.
 *
 * Forwarding follows VNET: every host forwards a frame by its (source MAC, destination MAC) pair when a rule for
 * the pair exists, and otherwise by a per-destination default (where the destination VM is, as a switch learns it;
 * a migration updates every host's default, as the migrated VM's announcement would).
 */
import type { HostId, Mac, VmId } from "../core/model/ids.js";
import type { TrafficEntry } from "../core/model/traffic.js";

/** At this host, frames from `src` to `dst` go over the link to `next`. */
export interface ForwardingRule {
  readonly src: Mac;
  readonly dst: Mac;
  readonly next: HostId;
}

/** A host's overlay as its kernel has it now. */
export interface HostOverlayState {
  readonly host: HostId;
  /** Hosts this host has an active (sending) overlay link to. */
  readonly links: readonly HostId[];
  /** Per-pair rules. */
  readonly rules: readonly ForwardingRule[];
  /** Per-destination defaults: the next host for frames to `mac` (this host itself for its own VMs). */
  readonly defaults: ReadonlyArray<{ readonly mac: Mac; readonly next: HostId }>;
  /** VMs whose endpoint is attached to this host. */
  readonly vms: readonly VmId[];
}

export interface MigrationOptions {
  /** Copy this many MB from the source to the destination host over the underlay before the switch (pre-copy). */
  readonly precopyMB?: number;
}

export interface MigrationReport {
  readonly vm: VmId;
  readonly from: HostId;
  readonly to: HostId;
  /** Bytes sent by the pre-copy, and how long it took (0 without pre-copy). */
  readonly precopyBytes: number;
  readonly precopyMs: number;
  /** How long the VM's endpoint was detached: from leaving the source bridge to forwarding on the destination. */
  readonly switchMs: number;
  /** False when the VM was already on the destination (nothing was done). */
  readonly moved: boolean;
}

/**
 * Changes one host's part of the overlay. Every method is idempotent: repeating a call that succeeded changes
 * nothing and succeeds. Method names match the plan actions of src/core/plan/actions.ts (`add-link`,
 * `remove-link`, `set-rule`, `delete-rule`, `migrate`; rules there name VMs, here their MACs).
 */
export interface OverlayActuator {
  readonly host: HostId;
  /** Creates the link from this host to `to` (a tunnel, usable for rules and defaults). */
  addLink(to: HostId): Promise<void>;
  /** Removes the link; rules and defaults at this host that used it are removed with it. */
  removeLink(to: HostId): Promise<void>;
  /** Sets the pair rule (replacing a rule for the same pair); `next` must be this host or a linked host. `next` = this host deletes the rule (deliver locally). */
  setRule(rule: ForwardingRule): Promise<void>;
  deleteRule(src: Mac, dst: Mac): Promise<void>;
  /** Moves a VM attached to this host to `to`, keeping its MAC, address and open connections. */
  migrate(vm: VmId, to: HostId, opts?: MigrationOptions): Promise<MigrationReport>;
  state(): Promise<HostOverlayState>;
}

/** A host's load. */
export interface LoadSample {
  readonly cpuPct?: number;
  readonly memPct?: number;
  readonly loadAvg?: number;
  readonly netInMbps?: number;
  readonly netOutMbps?: number;
}

/** A measurement of the link from this host to `to`, active (probes) and passive (counters). */
export interface LinkSample {
  readonly to: HostId;
  /** Available bandwidth, when estimated. */
  readonly mbps?: number;
  /** One-way latency (half the probe round trip). */
  readonly latencyMs?: number;
  readonly lossPct?: number;
  /** Traffic this host sent and received over the link since the previous reading (passive counters). */
  readonly txMbps?: number;
  readonly rxMbps?: number;
}

/** What a host's daemon observes: what an agent reads every interval (Linux: src/adapters/linux/traffic-source.ts; simulated: src/agent/sim.ts). */
export interface TrafficSource {
  /**
   * Per-MAC-pair traffic the host carried since the previous call (the kernel's counters are read and
   * differenced; `startMs` and `intervalMs` label the interval and do not change what is read).
   */
  readTraffic(startMs: number, intervalMs: number): Promise<TrafficEntry[]>;
  readLoad(): Promise<LoadSample>;
  readLinks(): Promise<LinkSample[]>;
}
