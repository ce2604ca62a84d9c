/**
 * From parsed SNDlib networks and demand matrices to vadapt trace parts (pure: no I/O).
 *
 * - Hosts are the nodes (lat/lon when the coordinates are geographical); each host runs one VM with the node's
 *   id and the MAC `syntheticMac(i + 1)` (i = the node's position), so node-to-node demands are MAC-pair traffic.
 * - Overlay links: an SNDlib link is undirected, so it becomes two directed overlay links with its full capacity
 *   each way (a full-duplex reading). Where a network lists links between two nodes in both orientations (brain,
 *   giul39, janos-us, janos-us-ca, sun are written that way), each of them is one direction. Parallel links'
 *   capacities are summed. Latency is the great-circle distance at 2/3 c for geographical coordinates, else
 *   the default latency (planar coordinates give no distance).
 * - A matrix becomes one global traffic event: bytes = Mbit/s × interval, packets unknown (0); zero demands and
 *   demands from a node to itself are left out.
 */
import { hostId, syntheticMac, vmId, type Mac } from "../core/model/ids.js";
import type { HostInput, OverlayLinkInput, VmInput } from "../core/model/network.js";
import { mbpsToBytes } from "../core/model/traffic.js";
import { greatCircleLatencyMs, type LatLon } from "../core/geo.js";
import type { TrafficEvent } from "../core/trace/events.js";
import { sample } from "./warnings.js";
import { SndlibCoordinates, type SndlibDemand, type SndlibNetwork, type SndlibNode } from "./sndlib-network.js";

/** Latency given to links whose length is unknown (planar or missing coordinates), ms. */
export const DEFAULT_LINK_LATENCY_MS = 1;

/** Hosts and one VM per node, with the MAC of each node's VM. */
export interface SndlibPlacement {
  readonly hosts: HostInput[];
  readonly vms: VmInput[];
  readonly macOf: ReadonlyMap<string, Mac>;
}

function position(net: SndlibNetwork, n: SndlibNode): LatLon | undefined {
  return net.coordinates === SndlibCoordinates.Geographical && n.x !== undefined && n.y !== undefined ? { lat: n.y, lon: n.x } : undefined;
}

/** One host and one VM (id = node id, home = the node) per node. */
export function sndlibPlacement(net: SndlibNetwork): SndlibPlacement {
  const hosts: HostInput[] = [];
  const vms: VmInput[] = [];
  const macOf = new Map<string, Mac>();
  net.nodes.forEach((n, i) => {
    const p = position(net, n);
    hosts.push({ id: hostId(n.id), ...(p !== undefined ? { lat: p.lat, lon: p.lon } : {}) });
    const mac = syntheticMac(i + 1);
    macOf.set(n.id, mac);
    vms.push({ id: vmId(n.id), mac, host: hostId(n.id) });
  });
  return { hosts, vms, macOf };
}

/** Directed overlay links from a network's links (rules in this module's comment); warnings are appended. */
export function sndlibOverlayLinks(net: SndlibNetwork, defaultLatencyMs: number, warnings: string[]): OverlayLinkInput[] {
  const byId = new Map(net.nodes.map((n) => [n.id, n]));
  const oriented = new Set(net.links.map((l) => `${l.source}\u0000${l.target}`));
  const mbps = new Map<string, { from: string; to: string; mbps: number; count: number }>();
  const add = (from: string, to: string, v: number): void => {
    const key = `${from}\u0000${to}`;
    const cur = mbps.get(key);
    if (cur === undefined) mbps.set(key, { from, to, mbps: v, count: 1 });
    else {
      cur.mbps += v;
      cur.count++;
    }
  };
  const loops: string[] = [];
  let directedLinks = 0;
  for (const l of net.links) {
    if (l.source === l.target) {
      loops.push(l.id);
      continue;
    }
    add(l.source, l.target, l.capacityMbps);
    if (oriented.has(`${l.target}\u0000${l.source}`)) directedLinks++;
    else add(l.target, l.source, l.capacityMbps);
  }
  if (loops.length > 0) warnings.push(`${net.file}: ${loops.length} link(s) from a node to itself skipped: ${sample(loops)}`);
  if (directedLinks > 0) {
    warnings.push(`${net.file}: ${directedLinks} links come in pairs of opposite orientation, so each is taken as one direction with its own capacity`);
  }
  const merged = new Set([...mbps.values()].filter((m) => m.count > 1).map((m) => [m.from, m.to].sort().join("-")));
  if (merged.size > 0) warnings.push(`${net.file}: ${merged.size} node pair(s) have parallel links; their capacities are summed: ${sample([...merged])}`);
  const unknownLength: string[] = [];
  const links: OverlayLinkInput[] = [];
  for (const m of mbps.values()) {
    const a = position(net, byId.get(m.from)!);
    const b = position(net, byId.get(m.to)!);
    let latencyMs = defaultLatencyMs;
    if (a !== undefined && b !== undefined) latencyMs = Math.round(greatCircleLatencyMs(a, b) * 1000) / 1000;
    else unknownLength.push(`${m.from}->${m.to}`);
    links.push({ from: hostId(m.from), to: hostId(m.to), mbps: m.mbps, latencyMs, active: true });
  }
  if (unknownLength.length > 0 && net.coordinates === SndlibCoordinates.Geographical) {
    warnings.push(`${net.file}: ${unknownLength.length} link direction(s) touch nodes without coordinates and get the default latency ${defaultLatencyMs} ms: ${sample(unknownLength)}`);
  } else if (unknownLength.length > 0) {
    warnings.push(`${net.file}: coordinates are ${net.coordinates === SndlibCoordinates.Pixel ? "planar (pixels)" : "absent"}, so all ${unknownLength.length} link directions get the default latency ${defaultLatencyMs} ms`);
  }
  return links;
}

/** Demands {@link demandEntries} left out because they go from a node to itself. */
export interface SelfDemands {
  count: number;
}

/**
 * Sparse traffic cells `[srcMac, dstMac, bytes, 0]` for demands held for `intervalMs` (duplicate pairs summed;
 * zero demands left out; demands from a node to itself left out and counted in `self`). Every endpoint must be
 * in `macOf`.
 */
export function demandEntries(demands: readonly SndlibDemand[], macOf: ReadonlyMap<string, Mac>, intervalMs: number, self: SelfDemands): TrafficEvent["entries"] {
  const cells = new Map<string, [Mac, Mac, number, number]>();
  for (const d of demands) {
    if (d.source === d.target) {
      self.count++;
      continue;
    }
    if (d.valueMbps === 0) continue;
    const src = macOf.get(d.source)!;
    const dst = macOf.get(d.target)!;
    const key = `${src}${dst}`;
    const bytes = mbpsToBytes(d.valueMbps, intervalMs);
    const cell = cells.get(key);
    if (cell === undefined) cells.set(key, [src, dst, bytes, 0]);
    else cell[2] += bytes;
  }
  return [...cells.values()];
}
