/**
 * Pattern instances over real topologies: a network's nodes become sites (each with one or more hosts), its links
 * the wide-area overlay links, and an application's communication pattern (ring, line, 2-D mesh, star,
 * all-to-all, random, or a real MPI run's graph) the demands. With several hosts per site, the site's hosts form
 * a LAN (a full mesh of fast links) and the first host of each site is its gateway carrying the site's wide-area
 * links, as VNET's per-site proxy did (Sundararaj & Dinda, VM'04).
 */
import { hostId, vmId, type HostId } from "../model/ids.js";
import { Instance, Objective, type InstanceInput } from "../model/problem.js";
import type { Rng } from "../rng.js";
import { neighbours, type BspPattern } from "../synth/neighbours.js";

/** A network: site ids and directed links between them. */
export interface Topology {
  readonly sites: readonly string[];
  readonly links: ReadonlyArray<{ readonly from: string; readonly to: string; readonly mbps: number; readonly latencyMs: number }>;
}

/** Total bytes between two ranks of an MPI run (both directions together, as in the shipped graphs). */
export interface RankTraffic {
  readonly src: number;
  readonly dst: number;
  readonly bytes: number;
}

export type Pattern =
  | { readonly kind: BspPattern; readonly vms: number }
  /** Each VM talks to `degree` random others. */
  | { readonly kind: "random"; readonly vms: number; readonly degree: number }
  /**
   * A real run: one VM per rank. Undirected graphs (the shipped ones: each pair once, bytes of both directions)
   * give two demands per pair with half the bytes each; directed graphs one demand per entry.
   */
  | { readonly kind: "mpi"; readonly ranks: number; readonly traffic: readonly RankTraffic[]; readonly directed: boolean };

export const CurrentPlacement = { None: "none", Block: "block", Random: "random" } as const;
export type CurrentPlacement = (typeof CurrentPlacement)[keyof typeof CurrentPlacement];

export interface GenerateOptions {
  readonly topology: Topology;
  readonly pattern: Pattern;
  /** Hosts in all, spread over the sites round-robin (default: one per site). */
  readonly hosts?: number;
  readonly hostCpu?: number;
  readonly hostMemMB?: number;
  readonly localMbps?: number;
  /** Site LAN links (several hosts per site). */
  readonly lanMbps?: number;
  readonly lanLatencyMs?: number;
  readonly vmCpu?: number;
  readonly vmMemMB?: number;
  /** Mean Mbit/s of a demand (patterns: every demand; MPI: the bytes are scaled to this mean). */
  readonly meanMbps?: number;
  /** Latency bound on every demand, ms. */
  readonly maxLatencyMs?: number | null;
  /** Where the VMs run now: nowhere (a fresh placement), hosts filled in order, or random hosts with room. */
  readonly current?: CurrentPlacement;
  readonly objective?: Objective;
  readonly maxMigrations?: number | null;
  readonly migrationWeight?: number;
}

export const GENERATE_DEFAULTS = {
  hostCpu: 8,
  hostMemMB: 32768,
  localMbps: 10_000,
  lanMbps: 1000,
  lanLatencyMs: 0.1,
  vmCpu: 1,
  vmMemMB: 2048,
  meanMbps: 10,
} as const;

/** The demands of a pattern as (src rank, dst rank, relative weight). */
function patternDemands(pattern: Pattern, rng: Rng): { vms: number; demands: Array<[number, number, number]> } {
  if (pattern.kind === "mpi") {
    const demands: Array<[number, number, number]> = [];
    for (const t of pattern.traffic) {
      if (t.src === t.dst || t.bytes <= 0) continue;
      if (pattern.directed) demands.push([t.src, t.dst, t.bytes]);
      else demands.push([t.src, t.dst, t.bytes / 2], [t.dst, t.src, t.bytes / 2]);
    }
    return { vms: pattern.ranks, demands };
  }
  if (pattern.kind === "random") {
    const demands: Array<[number, number, number]> = [];
    const seen = new Set<number>();
    for (let i = 0; i < pattern.vms && pattern.vms > 1; i++) {
      for (let k = 0; k < pattern.degree; k++) {
        let j = rng.int(pattern.vms - 1);
        if (j >= i) j++;
        if (seen.has(i * pattern.vms + j)) continue;
        seen.add(i * pattern.vms + j);
        demands.push([i, j, 0.5 + rng.next()]);
      }
    }
    return { vms: pattern.vms, demands };
  }
  const demands: Array<[number, number, number]> = [];
  neighbours(pattern.kind, pattern.vms).forEach((to, i) => {
    for (const j of to) demands.push([i, j, 1]);
  });
  return { vms: pattern.vms, demands };
}

/** Builds the instance (validated against the spec's schema). */
export function generateInstance(rng: Rng, o: GenerateOptions): Instance {
  const d = GENERATE_DEFAULTS;
  const sites = o.topology.sites;
  const nHosts = o.hosts ?? sites.length;
  const perSite: HostId[][] = sites.map(() => []);
  const multi = nHosts > sites.length;
  const hosts: InstanceInput["hosts"] = [];
  for (let k = 0; k < nHosts; k++) {
    const s = k % sites.length;
    const id = hostId(multi ? `${sites[s]}-${perSite[s]!.length + 1}` : sites[s]!);
    perSite[s]!.push(id);
    hosts.push({ id, cpu: o.hostCpu ?? d.hostCpu, memMB: o.hostMemMB ?? d.hostMemMB, localMbps: o.localMbps ?? d.localMbps });
  }
  const siteIndex = new Map(sites.map((s, i) => [s, i]));
  const links: InstanceInput["links"] = [];
  for (const l of o.topology.links) {
    const a = perSite[siteIndex.get(l.from)!]?.[0];
    const b = perSite[siteIndex.get(l.to)!]?.[0];
    if (a !== undefined && b !== undefined) links.push({ from: a, to: b, mbps: l.mbps, latencyMs: l.latencyMs, active: true });
  }
  for (const group of perSite) {
    for (const a of group) {
      for (const b of group) {
        if (a !== b) links.push({ from: a, to: b, mbps: o.lanMbps ?? d.lanMbps, latencyMs: o.lanLatencyMs ?? d.lanLatencyMs, active: true });
      }
    }
  }

  const { vms: nVms, demands: raw } = patternDemands(o.pattern, rng);
  const total = raw.reduce((s, [, , w]) => s + w, 0);
  const scale = raw.length === 0 ? 0 : ((o.meanMbps ?? d.meanMbps) * raw.length) / total;
  const vmCpu = o.vmCpu ?? d.vmCpu;
  const vmMemMB = o.vmMemMB ?? d.vmMemMB;
  const cpuLeft = hosts.map((h) => h.cpu);
  const memLeft = hosts.map((h) => h.memMB);
  const fits = (h: number): boolean => cpuLeft[h]! >= vmCpu && memLeft[h]! >= vmMemMB;
  let next = 0;
  const vms: InstanceInput["vms"] = Array.from({ length: nVms }, (_, i) => {
    let at: number | undefined;
    if (o.current === CurrentPlacement.Block) {
      while (next < hosts.length && !fits(next)) next++;
      at = next < hosts.length ? next : undefined;
    } else if (o.current === CurrentPlacement.Random) {
      const open = hosts.map((_, h) => h).filter(fits);
      at = open.length > 0 ? open[rng.int(open.length)] : undefined;
    }
    if (at !== undefined) {
      cpuLeft[at]! -= vmCpu;
      memLeft[at]! -= vmMemMB;
    }
    return { id: vmId(`vm${i}`), cpu: vmCpu, memMB: vmMemMB, host: at === undefined ? null : hosts[at]!.id };
  });
  const demands: InstanceInput["demands"] = raw.map(([s, t, w]) => ({
    src: vmId(`vm${s}`),
    dst: vmId(`vm${t}`),
    mbps: Math.round(w * scale * 1000) / 1000,
    maxLatencyMs: o.maxLatencyMs ?? null,
  }));
  return Instance.parse({
    hosts,
    links,
    vms,
    demands,
    objective: o.objective ?? Objective.ResidualBottleneck,
    maxMigrations: o.maxMigrations ?? null,
    migrationWeight: o.migrationWeight ?? 0,
  } satisfies InstanceInput);
}
