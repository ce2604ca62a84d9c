/**
 * The nftables rules of a host namespace (one place for their names, their text and every change to them):
 *
 * - `table netdev vadapt`: what the host does to each frame entering it from a VM or a tunnel, before the bridge:
 *   - chain `port` holds at most two rules: `sniff` (while sniffing is on: `update @pairs { ether saddr . ether
 *     daddr }` counts bytes and packets per MAC pair in the dynamic set `pairs`, per-element counters, in the
 *     kernel) and `routes` (while the map `routes` holds a per-pair forwarding rule, VNET's: `fwd to ether saddr .
 *     ether daddr map @routes`; a pair without a rule falls through to the bridge, whose static FDB entries are
 *     the per-destination defaults);
 *   - per port (VM ports `vm*`, tunnels `vx*`) an ingress base chain `in_<dev>` with one rule, `jump port`, but
 *     only while `port` has a rule: a host that neither sniffs nor has a pair rule hooks nothing, so its frames
 *     meet no vadapt rule at all.
 * - `table bridge vadapt`: split horizon: a broadcast or multicast frame that came in over a tunnel is never
 *   flooded out of another tunnel (the tunnels form a mesh; without this one ARP request loops forever).
 *
 * Every change of the netdev table goes through {@link HostNetdev.change}: under the namespace's lock (agents of
 * other hosts change it too: a new tunnel's receiving end, a migrated VM's port), it reads the table, applies the
 * change and brings `port` and the hooks in line in one nft transaction, so a pair rule is never in the map
 * without the rule that applies it, and sniffing never misses a port.
 */
import type { Mac } from "../../core/model/ids.js";
import type { HostLayout, TestbedLayout } from "../../core/testbed/layout.js";
import { nftApply, run, runIn, withNetnsLock } from "./exec.js";
import { IpLinks, NftPairMap, NftTableRules, parseJsonOutput } from "./iproute-json.js";

export const NETDEV_TABLE = "vadapt";
export const BRIDGE_TABLE = "vadapt";
export const PAIRS_SET = "pairs";
export const ROUTES_MAP = "routes";
export const PORT_CHAIN = "port";
/** Most MAC pairs the sniffer tracks per host. */
export const PAIRS_SET_SIZE = 65_536;
/** The comments that name the two rules of chain `port`. */
const SNIFF_RULE = "sniff";
const ROUTES_RULE = "routes";
const INGRESS_PREFIX = "in_";

/** The per-device ingress chain's name. */
export const ingressChain = (dev: string): string => `${INGRESS_PREFIX}${dev}`;

/** The ports a host of the layout may ever have: a tunnel to every other host and every VM's port. */
export function hostPorts(layout: TestbedLayout, h: HostLayout): string[] {
  return [...layout.hosts.filter((g) => g.index !== h.index).map((g) => `vx${g.index}`), ...layout.vms.map((v) => v.port)];
}

/** The host's tables as `testbed up` creates them: nothing hooked at port ingress yet. */
export function hostTablesScript(): string {
  return [
    `table netdev ${NETDEV_TABLE} {`,
    `  set ${PAIRS_SET} {`,
    `    type ether_addr . ether_addr`,
    `    flags dynamic`,
    `    size ${PAIRS_SET_SIZE}`,
    `    counter`,
    `  }`,
    `  map ${ROUTES_MAP} {`,
    `    type ether_addr . ether_addr : iface_index`,
    `  }`,
    `  chain ${PORT_CHAIN} {`,
    `  }`,
    `}`,
    `table bridge ${BRIDGE_TABLE} {`,
    `  chain forward {`,
    `    type filter hook forward priority -10; policy accept;`,
    `    iifname "vx*" oifname "vx*" meta pkttype { broadcast, multicast } drop`,
    `  }`,
    `}`,
  ].join("\n");
}

/** What a host's netdev table hooks: the rules in `port` and the devices with an ingress chain. */
export interface NetdevHooks {
  readonly sniffing: boolean;
  readonly routing: boolean;
  readonly devices: readonly string[];
}

/** A per-pair forwarding rule as an element of the map `routes` (`dev`: a device name, or a stale ifindex). */
export interface RouteElem {
  readonly src: Mac;
  readonly dst: Mac;
  readonly dev: string;
}

/** A change of a host's netdev table; what it leaves out stays as it is. */
export interface NetdevChange {
  readonly sniffing?: boolean;
  /** Pair rules to remove (absent ones are ignored). */
  readonly deleteRoutes?: ReadonlyArray<{ readonly src: Mac; readonly dst: Mac }>;
  /** Pair rules to add or repoint. */
  readonly setRoutes?: readonly RouteElem[];
}

export const routeKey = (src: string, dst: string): string => `${src}>${dst}`;

/**
 * The nft script that takes a netdev table from `cur` (its hooks and pair rules) through `change`, hooking
 * `ports` at ingress exactly while chain `port` has something to do; empty when nothing changes. Pure.
 */
export function netdevScript(
  cur: { readonly hooks: NetdevHooks; readonly routes: ReadonlyMap<string, RouteElem> },
  change: NetdevChange,
  bridgeMac: string,
  ports: readonly string[],
): string {
  const t = `netdev ${NETDEV_TABLE}`;
  const routes = new Map(cur.routes);
  const lines: string[] = [];
  const del = (k: string, r: { src: Mac; dst: Mac }): void => {
    lines.push(`delete element ${t} ${ROUTES_MAP} { ${r.src} . ${r.dst} }`);
    routes.delete(k);
  };
  for (const r of change.deleteRoutes ?? []) {
    const k = routeKey(r.src, r.dst);
    if (routes.has(k)) del(k, r);
  }
  for (const r of change.setRoutes ?? []) {
    const k = routeKey(r.src, r.dst);
    const old = routes.get(k);
    if (old?.dev === r.dev) continue;
    if (old !== undefined) del(k, r);
    lines.push(`add element ${t} ${ROUTES_MAP} { ${r.src} . ${r.dst} : "${r.dev}" }`);
    routes.set(k, r);
  }
  const sniffing = change.sniffing ?? cur.hooks.sniffing;
  const routing = routes.size > 0;
  if (sniffing !== cur.hooks.sniffing || routing !== cur.hooks.routing) {
    lines.push(`flush chain ${t} ${PORT_CHAIN}`);
    if (sniffing) lines.push(`add rule ${t} ${PORT_CHAIN} ether daddr != ${bridgeMac} update @${PAIRS_SET} { ether saddr . ether daddr } comment "${SNIFF_RULE}"`);
    if (routing) lines.push(`add rule ${t} ${PORT_CHAIN} fwd to ether saddr . ether daddr map @${ROUTES_MAP} comment "${ROUTES_RULE}"`);
  }
  const want = new Set(sniffing || routing ? ports : []);
  const have = new Set(cur.hooks.devices);
  for (const dev of have) if (!want.has(dev)) lines.push(`delete chain ${t} ${ingressChain(dev)}`);
  for (const dev of want) {
    if (have.has(dev)) continue;
    lines.push(`add chain ${t} ${ingressChain(dev)} { type filter hook ingress device "${dev}" priority 0; policy accept; }`);
    lines.push(`add rule ${t} ${ingressChain(dev)} jump ${PORT_CHAIN}`);
  }
  return lines.join("\n");
}

/**
 * False once this kernel refused an ingress chain for an absent device (before 6.16, chains hook present devices
 * only; from 6.16 a chain names its device and follows it as it leaves and comes back). Per process.
 */
let hooksByName = true;

/** The netdev table of one host namespace: its pair rules, sniffing and the port hooks they need. */
export class HostNetdev {
  /**
   * @param ports every port the host may have ({@link hostPorts}): hooked by name where the kernel allows it (a
   *   port that arrives later, by a migration or a new link, is hooked from its first frame), else those present.
   */
  constructor(
    readonly netns: string,
    readonly bridgeMac: Mac,
    readonly ports: readonly string[],
  ) {}

  static of(layout: TestbedLayout, h: HostLayout): HostNetdev {
    return new HostNetdev(h.netns, h.bridgeMac, hostPorts(layout, h));
  }

  /** The pair rules in the kernel, by {@link routeKey}. */
  async routes(): Promise<Map<string, RouteElem>> {
    const argv = ["nft", "-j", "list", "map", "netdev", NETDEV_TABLE, ROUTES_MAP];
    const doc = parseJsonOutput(NftPairMap, await runIn(this.netns, argv), argv.join(" "));
    const out = new Map<string, RouteElem>();
    for (const item of doc.nftables) {
      if (item.map === undefined) continue;
      for (const [key, dev] of item.map.elem) {
        const [src, dst] = key.concat.map((m) => m.toLowerCase() as Mac) as [Mac, Mac];
        out.set(routeKey(src, dst), { src, dst, dev: String(dev) });
      }
    }
    return out;
  }

  /** The rules of chain `port` and the devices hooked at ingress (`nft -j -t`: sets' elements left out). */
  async hooks(): Promise<NetdevHooks> {
    const argv = ["nft", "-j", "-t", "list", "table", "netdev", NETDEV_TABLE];
    const doc = parseJsonOutput(NftTableRules, await runIn(this.netns, argv), argv.join(" "));
    const comments = new Set<string>();
    const devices: string[] = [];
    for (const item of doc.nftables) {
      if (item.chain?.name.startsWith(INGRESS_PREFIX) === true) devices.push(item.chain.name.slice(INGRESS_PREFIX.length));
      if (item.rule?.chain === PORT_CHAIN && item.rule.comment !== undefined) comments.add(item.rule.comment);
    }
    return { sniffing: comments.has(SNIFF_RULE), routing: comments.has(ROUTES_RULE), devices };
  }

  /**
   * Under the namespace's lock, reads the table, lets `decide` pick a change from the current pair rules, and
   * applies it together with the hooks it needs, as one transaction. Idempotent: `change(() => ({}))` only
   * brings the hooks in line (after a port appeared, on kernels that hook only present devices).
   */
  async change(decide: (routes: ReadonlyMap<string, RouteElem>) => NetdevChange): Promise<void> {
    await withNetnsLock(this.netns, async () => {
      const [hooks, routes] = await Promise.all([this.hooks(), this.routes()]);
      const c = decide(routes);
      const apply = async (ports: readonly string[]): Promise<void> => {
        const script = netdevScript({ hooks, routes }, c, this.bridgeMac, ports);
        if (script !== "") await nftApply(this.netns, script);
      };
      if (!hooksByName) return apply(await this.presentPorts());
      try {
        await apply(this.ports);
      } catch (e) {
        const present = await this.presentPorts();
        if (present.length === this.ports.length) throw e;
        // An older kernel: no chain for an absent device. Hook the present ones; the driver brings the hooks in
        // line whenever a port appears.
        await apply(present).catch(() => Promise.reject(e));
        hooksByName = false;
      }
    });
  }

  /** Counts every frame entering a port (but those to the host's own bridge: probes) while on. Idempotent. */
  setSniffing(on: boolean): Promise<void> {
    return this.change(() => ({ sniffing: on }));
  }

  private async presentPorts(): Promise<string[]> {
    const argv = ["ip", "-j", "-n", this.netns, "link", "show"];
    const names = new Set(parseJsonOutput(IpLinks, await run(argv), argv.join(" ")).map((d) => d.ifname));
    return this.ports.filter((p) => names.has(p));
  }
}
