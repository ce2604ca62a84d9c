/**
 * A simulated overlay for tests and the what-if planner: one shared world (placement, links, rules, the
 * application's demands) and, per host, sources that report what that host's daemon would see and an actuator
 * that changes the world. Failures can be injected per action.
 */
import type { HostId, Mac, VmId } from "../core/model/ids.js";
import { mbpsToBytes, type TrafficEntry } from "../core/model/traffic.js";
import { applyAction, type ActionSpec, type OverlayState } from "../core/plan/actions.js";
import type { Rng } from "../core/rng.js";
import type { LinkSample, LoadSample, TrafficSource } from "../adapters/overlay.js";
import type { HostActuator } from "./host.js";

export interface SimDemand {
  readonly src: VmId;
  readonly dst: VmId;
  readonly mbps: number;
}

export interface SimWorldInit {
  readonly hosts: ReadonlyArray<{ readonly id: HostId; readonly cpu: number }>;
  readonly vms: ReadonlyArray<{ readonly id: VmId; readonly mac: Mac; readonly cpu: number }>;
  readonly links: ReadonlyArray<{ readonly from: HostId; readonly to: HostId; readonly mbps: number; readonly latencyMs: number }>;
  readonly state: OverlayState;
  readonly demands: readonly SimDemand[];
  /** Relative noise on reported traffic, uniform ±noise (needs rng). */
  readonly noise?: number;
  readonly rng?: Rng;
}

export class SimWorld {
  state: OverlayState;
  demands: readonly SimDemand[];
  /** Injected failure: actions for which this returns a message fail with it. */
  failWhen: ((spec: ActionSpec, host: HostId) => string | null) | null = null;
  readonly applied: Array<{ host: HostId; spec: ActionSpec }> = [];

  constructor(private readonly init: SimWorldInit) {
    this.state = init.state;
    this.demands = init.demands;
  }

  private macOf(vm: VmId): Mac {
    const v = this.init.vms.find((x) => x.id === vm);
    if (v === undefined) throw new Error(`unknown VM ${vm}`);
    return v.mac;
  }

  sources(host: HostId): TrafficSource {
    return {
      readTraffic: async (_startMs, intervalMs) => {
        const out: TrafficEntry[] = [];
        for (const d of this.demands) {
          const a = this.state.placement.get(d.src);
          const b = this.state.placement.get(d.dst);
          if (a !== host && b !== host) continue;
          const jitter = this.init.noise !== undefined && this.init.rng !== undefined ? 1 + this.init.noise * (2 * this.init.rng.next() - 1) : 1;
          const bytes = Math.round(mbpsToBytes(d.mbps, intervalMs) * jitter);
          out.push({ src: this.macOf(d.src), dst: this.macOf(d.dst), bytes, packets: Math.ceil(bytes / 1500) });
        }
        return out;
      },
      readLoad: async (): Promise<LoadSample> => {
        const cap = this.init.hosts.find((h) => h.id === host)?.cpu ?? 1;
        let used = 0;
        for (const v of this.init.vms) if (this.state.placement.get(v.id) === host) used += v.cpu;
        return { cpuPct: (100 * used) / cap };
      },
      readLinks: async (): Promise<LinkSample[]> =>
        this.init.links.filter((l) => l.from === host).map((l) => ({ to: l.to, mbps: l.mbps, latencyMs: l.latencyMs })),
    };
  }

  actuator(host: HostId): HostActuator {
    return {
      execute: async (spec) => {
        const failure = this.failWhen?.(spec, host) ?? null;
        if (failure !== null) throw new Error(failure);
        this.state = applyAction(this.state, spec);
        this.applied.push({ host, spec });
      },
    };
  }
}
