/**
 * The concrete layout of a testbed: namespace and device names, addresses, MACs, tunnel ids and ports, derived
 * deterministically from the spec (pure). The Linux builder and the overlay driver both read it, so the same
 * spec always yields the same names and `down` can rebuild them from the spec alone.
 *
 * Address plan (all inside the testbed's own namespaces, never routed anywhere else):
 * - site `s` underlay LAN 10.250.s.0/24, gateway .254 in the site-router namespace, hosts .1, .2, …;
 * - site-router point-to-point links 10.249.0.0/16 (a /30 per site pair);
 * - overlay 10.251.0.0/16: VM `i` at 10.251.⌊(i+1)/256⌋.((i+1) mod 256), host `h`'s bridge (its daemon's
 *   endpoint, used for link probes) at 10.251.255.(h+1).
 */
import { syntheticMac, type HostId, type Mac, type VmId } from "../model/ids.js";
import { testbedPrefix, type TestbedSpec } from "./spec.js";

/** The UDP port of tunnels that go straight over the underlay (IANA VXLAN). */
export const VXLAN_PORT = 4789;
/** Relayed tunnels (site pairs with delay or loss) use port RELAY_PORT_BASE + 100·i + j for hosts i < j. */
export const RELAY_PORT_BASE = 10_000;
/** Underlay MTU: room for VXLAN's 50 bytes of encapsulation around 1500-byte overlay frames. */
export const UNDERLAY_MTU = 1600;
export const OVERLAY_MTU = 1500;
export const OVERLAY_PREFIX_LEN = 16;

export interface SiteLayout {
  readonly id: string;
  readonly index: number;
  /** The site router's namespace. */
  readonly netns: string;
  /** The bridge in the router namespace that the site's hosts plug into. */
  readonly lan: string;
  readonly gatewayIp: string;
  readonly subnet: string;
}

export interface HostLayout {
  readonly id: HostId;
  readonly index: number;
  readonly site: string;
  readonly siteIndex: number;
  readonly netns: string;
  /** The host's underlay device (a veth whose peer `sitePort` is on the site router's LAN bridge). */
  readonly underlayDev: string;
  readonly sitePort: string;
  readonly underlayIp: string;
  readonly gatewayIp: string;
  /** The overlay bridge: VM ports and tunnel ports are its ports. */
  readonly bridge: string;
  readonly bridgeMac: Mac;
  /** The bridge's own overlay address, the daemon endpoint that link probes ping. */
  readonly endpointIp: string;
}

export interface VmLayout {
  readonly id: VmId;
  readonly index: number;
  readonly mac: Mac;
  readonly ip: string;
  readonly home: HostId;
  readonly netns: string;
  /** The VM's interface inside its namespace. */
  readonly dev: string;
  /** The VM's port: the veth peer that lives in its current host's namespace, on that host's bridge. */
  readonly port: string;
  readonly memMB: number;
}

/** A site-to-site link: a veth pair between two site routers, shaped in both directions. */
export interface WanLayout {
  readonly a: string;
  readonly b: string;
  /** Device in a's router namespace towards b, and in b's towards a. */
  readonly devA: string;
  readonly devB: string;
  readonly ipA: string;
  readonly ipB: string;
  readonly mbps: number | undefined;
  readonly delayMs: number;
  readonly lossPct: number;
}

/** One end's view of the tunnel between two hosts. */
export interface TunnelLayout {
  /** The VXLAN device in `from`'s namespace. */
  readonly dev: string;
  readonly vni: number;
  readonly dstPort: number;
  readonly local: string;
  /** The peer's underlay address, or the local site router's relay when the site pair has delay or loss. */
  readonly remote: string;
  readonly relayed: boolean;
}

/** A relayed tunnel as the site router of `localHost` sees it: frames from `localHost` on `port` go to `remoteHost`. */
export interface RelayRoute {
  readonly port: number;
  readonly localIp: string;
  readonly remoteIp: string;
  readonly delayMs: number;
  readonly lossPct: number;
}

export interface TestbedLayout {
  readonly name: string;
  readonly prefix: string;
  readonly sites: readonly SiteLayout[];
  readonly hosts: readonly HostLayout[];
  readonly vms: readonly VmLayout[];
  readonly wan: readonly WanLayout[];
  readonly overlay: "mesh" | "none";
  readonly seed: number;
}

/** Derives the layout of a validated spec. */
export function layoutOf(spec: TestbedSpec): TestbedLayout {
  const prefix = testbedPrefix(spec.name);
  const siteIds = [...new Set(spec.hosts.map((h) => h.site))];
  const sites: SiteLayout[] = siteIds.map((id, index) => ({
    id,
    index,
    netns: `${prefix}s${index}`,
    lan: "lan",
    gatewayIp: `10.250.${index}.254`,
    subnet: `10.250.${index}.0/24`,
  }));
  const siteIndex = new Map(siteIds.map((s, i) => [s, i]));
  const perSite = new Map<string, number>();
  const hosts: HostLayout[] = spec.hosts.map((h, index) => {
    const si = siteIndex.get(h.site) ?? 0;
    const k = (perSite.get(h.site) ?? 0) + 1;
    perSite.set(h.site, k);
    return {
      id: h.id,
      index,
      site: h.site,
      siteIndex: si,
      netns: `${prefix}h${index}`,
      underlayDev: "ul0",
      sitePort: `h${index}`,
      underlayIp: `10.250.${si}.${k}`,
      gatewayIp: `10.250.${si}.254`,
      bridge: "br0",
      bridgeMac: syntheticMac(0xfe000000 + index),
      endpointIp: `10.251.255.${index + 1}`,
    };
  });
  const vms: VmLayout[] = spec.vms.map((v, index) => {
    const n = index + 1;
    return {
      id: v.id,
      index,
      mac: v.mac ?? syntheticMac(index + 1),
      ip: `10.251.${Math.floor(n / 256)}.${n % 256}`,
      home: v.host,
      netns: `${prefix}v${index}`,
      dev: "eth0",
      port: `vm${index}`,
      memMB: v.memMB,
    };
  });
  const wan: WanLayout[] = [];
  let pair = 0;
  for (let i = 0; i < sites.length; i++) {
    for (let j = i + 1; j < sites.length; j++) {
      const a = sites[i]!;
      const b = sites[j]!;
      const w = spec.wan.find((x) => (x.sites[0] === a.id && x.sites[1] === b.id) || (x.sites[0] === b.id && x.sites[1] === a.id));
      const base = pair * 4;
      wan.push({
        a: a.id,
        b: b.id,
        devA: `w${j}`,
        devB: `w${i}`,
        ipA: `10.249.${Math.floor(base / 256)}.${(base % 256) + 1}`,
        ipB: `10.249.${Math.floor(base / 256)}.${(base % 256) + 2}`,
        mbps: w?.mbps,
        delayMs: w?.delayMs ?? 0,
        lossPct: w?.lossPct ?? 0,
      });
      pair++;
    }
  }
  return { name: spec.name, prefix, sites, hosts, vms, wan, overlay: spec.overlay, seed: spec.seed };
}

/** The WAN link between two sites, if they differ. */
export function wanBetween(layout: TestbedLayout, siteA: string, siteB: string): WanLayout | undefined {
  return layout.wan.find((w) => (w.a === siteA && w.b === siteB) || (w.a === siteB && w.b === siteA));
}

/** Whether tunnels between these sites go through the site routers' delay/loss relays. */
export function isRelayed(w: WanLayout | undefined): boolean {
  return w !== undefined && (w.delayMs > 0 || w.lossPct > 0);
}

/** The tunnel from host `from` to host `to`, as `from` configures it. */
export function tunnelOf(from: HostLayout, to: HostLayout, layout: TestbedLayout): TunnelLayout {
  const [i, j] = from.index < to.index ? [from.index, to.index] : [to.index, from.index];
  const relayed = from.site !== to.site && isRelayed(wanBetween(layout, from.site, to.site));
  return {
    dev: `vx${to.index}`,
    vni: 1 + i * 256 + j,
    dstPort: relayed ? RELAY_PORT_BASE + 100 * i + j : VXLAN_PORT,
    local: from.underlayIp,
    remote: relayed ? from.gatewayIp : to.underlayIp,
    relayed,
  };
}

/** The relay routes the router of `site` serves: one per relayed tunnel with an end in the site. */
export function relayRoutes(layout: TestbedLayout, site: string): RelayRoute[] {
  const out: RelayRoute[] = [];
  for (const h of layout.hosts) {
    if (h.site !== site) continue;
    for (const g of layout.hosts) {
      if (g.site === site) continue;
      const w = wanBetween(layout, h.site, g.site);
      if (!isRelayed(w)) continue;
      const t = tunnelOf(h, g, layout);
      out.push({ port: t.dstPort, localIp: h.underlayIp, remoteIp: g.underlayIp, delayMs: w?.delayMs ?? 0, lossPct: w?.lossPct ?? 0 });
    }
  }
  return out;
}

export function hostById(layout: TestbedLayout, id: HostId): HostLayout | undefined {
  return layout.hosts.find((h) => h.id === id);
}

export function vmById(layout: TestbedLayout, id: VmId): VmLayout | undefined {
  return layout.vms.find((v) => v.id === id);
}
