/**
 * The nftables rules of a host namespace (one place for their names and text):
 *
 * - `table netdev vadapt`, hooked at ingress of every port of the host's bridge (VM ports `vm*`, tunnels `vx*`),
 *   so it sees each frame once as it enters the host, before the bridge:
 *   - chain `sniff`: when sniffing is on, `update @pairs { ether saddr . ether daddr }` counts bytes and packets
 *     per MAC pair in the dynamic set `pairs` (per-element counters, in the kernel);
 *   - then `fwd to ether saddr . ether daddr map @routes`: the per-pair forwarding rules (VNET's); a pair without
 *     a rule falls through to the bridge, whose static FDB entries are the per-destination defaults.
 * - `table bridge vadapt`: split horizon: a broadcast or multicast frame that came in over a tunnel is never
 *   flooded out of another tunnel (the tunnels form a mesh; without this one ARP request loops forever).
 */

export const NETDEV_TABLE = "vadapt";
export const BRIDGE_TABLE = "vadapt";
export const PAIRS_SET = "pairs";
export const ROUTES_MAP = "routes";
export const SNIFF_CHAIN = "sniff";
export const PORT_CHAIN = "port";
/** Most MAC pairs the sniffer tracks per host. */
export const PAIRS_SET_SIZE = 65_536;

/** The per-device ingress chain's name. */
export const ingressChain = (dev: string): string => `in_${dev}`;

/** The host's tables, with ingress chains for the given devices (they may not exist yet on kernels that allow it). */
export function hostTablesScript(devices: readonly string[]): string {
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
    `  chain ${SNIFF_CHAIN} {`,
    `  }`,
    `  chain ${PORT_CHAIN} {`,
    `    jump ${SNIFF_CHAIN}`,
    `    fwd to ether saddr . ether daddr map @${ROUTES_MAP}`,
    `  }`,
    `}`,
    `table bridge ${BRIDGE_TABLE} {`,
    `  chain forward {`,
    `    type filter hook forward priority -10; policy accept;`,
    `    iifname "vx*" oifname "vx*" meta pkttype { broadcast, multicast } drop`,
    `  }`,
    `}`,
    ...devices.map(ingressChainScript),
  ].join("\n");
}

/** (Re)creates the ingress chain of one port, idempotently (flush then one jump). */
export function ingressChainScript(dev: string): string {
  const c = ingressChain(dev);
  return [
    `add chain netdev ${NETDEV_TABLE} ${c} { type filter hook ingress device "${dev}" priority 0; policy accept; }`,
    `flush chain netdev ${NETDEV_TABLE} ${c}`,
    `add rule netdev ${NETDEV_TABLE} ${c} jump ${PORT_CHAIN}`,
  ].join("\n");
}

/** Turns sniffing on: count every frame entering a port, except those addressed to the host's own bridge (probes). */
export function sniffOnScript(bridgeMac: string): string {
  return [
    `flush chain netdev ${NETDEV_TABLE} ${SNIFF_CHAIN}`,
    `add rule netdev ${NETDEV_TABLE} ${SNIFF_CHAIN} ether daddr != ${bridgeMac} update @${PAIRS_SET} { ether saddr . ether daddr }`,
  ].join("\n");
}

export function sniffOffScript(): string {
  return `flush chain netdev ${NETDEV_TABLE} ${SNIFF_CHAIN}`;
}
