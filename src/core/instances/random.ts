/**
 * Seeded random adaptation-problem instances of any size, with every feature of the spec exercised: capacities,
 * current hosts, pins, allowed sets, local bandwidths, inactive links, latency bounds, migration limits and
 * weights. Used by the property tests, the small-instance benchmarks and `vadapt gen-instance --topology random`.
 */
import { hostId, vmId } from "../model/ids.js";
import { Instance, Objective, type InstanceInput } from "../model/problem.js";
import type { Rng } from "../rng.js";

export interface RandomInstanceOptions {
  readonly hosts: number;
  readonly vms: number;
  readonly demands: number;
  /** Probability that each ordered host pair has a link (default 0.6). */
  readonly linkProbability?: number;
  /** Objective; default: random. */
  readonly objective?: Objective;
  /** Whether to draw pins, allowed sets, latency bounds and migration limits (default true). */
  readonly constraints?: boolean;
}

const OBJECTIVES = [Objective.ResidualBottleneck, Objective.TrafficCost, Objective.MaxUtilization] as const;

/** A random instance; the same generator state always gives the same instance. */
export function randomInstance(rng: Rng, o: RandomInstanceOptions): Instance {
  const between = (lo: number, hi: number): number => lo + rng.int(hi - lo + 1);
  const chance = (p: number): boolean => rng.next() < p;
  const constrained = o.constraints ?? true;
  const hosts = Array.from({ length: o.hosts }, (_, i) => ({
    id: hostId(`h${i + 1}`),
    cpu: between(2, 6),
    memMB: 1024 * between(4, 16),
    localMbps: 100 * between(5, 40),
  }));
  const links: InstanceInput["links"] = [];
  const p = o.linkProbability ?? 0.6;
  for (const a of hosts) {
    for (const b of hosts) {
      if (a === b || !chance(p)) continue;
      links.push({ from: a.id, to: b.id, mbps: 50 * between(2, 20), latencyMs: between(1, 20), active: chance(0.8) });
    }
  }
  const vms = Array.from({ length: o.vms }, (_, i) => {
    const host = chance(0.7) ? hosts[rng.int(hosts.length)]!.id : null;
    const pin = constrained && chance(0.08) ? hosts[rng.int(hosts.length)]!.id : null;
    const allowed = constrained && chance(0.15) ? hosts.filter(() => chance(0.6)).map((h) => h.id) : null;
    return { id: vmId(`vm${i + 1}`), cpu: between(1, 2), memMB: 1024 * between(1, 4), host, pin, allowed };
  });
  const demands: InstanceInput["demands"] = [];
  for (let k = 0; k < o.demands && o.vms >= 2; k++) {
    const s = rng.int(o.vms);
    let t = rng.int(o.vms - 1);
    if (t >= s) t++;
    demands.push({
      src: vms[s]!.id,
      dst: vms[t]!.id,
      mbps: 10 * between(1, 40),
      maxLatencyMs: constrained && chance(0.25) ? between(5, 40) : null,
    });
  }
  return Instance.parse({
    hosts,
    links,
    vms,
    demands,
    objective: o.objective ?? OBJECTIVES[rng.int(OBJECTIVES.length)]!,
    maxMigrations: constrained && chance(0.3) ? between(0, 2) : null,
    migrationWeight: constrained && chance(0.3) ? between(1, 10) : 0,
  } satisfies InstanceInput);
}
