/**
 * Per-MAC-pair traffic counters in the kernel (the nftables dynamic set `pairs` of src/adapters/linux/host-nft.ts)
 * read as deltas: VNET's per-daemon traffic matrix, as VTTIF consumes it.
 */
import type { Mac } from "../../core/model/ids.js";
import type { TrafficEntry } from "../../core/model/traffic.js";
import { runIn } from "./exec.js";
import { NETDEV_TABLE, PAIRS_SET, type HostNetdev } from "./host-nft.js";
import { NftCounterSet, parseJsonOutput } from "./iproute-json.js";

/** Cumulative counters of one MAC pair. */
export interface PairCounter {
  readonly src: Mac;
  readonly dst: Mac;
  readonly bytes: number;
  readonly packets: number;
}

/** Whether a MAC is a group (broadcast or multicast) address: the I/G bit of its first octet. */
export function isGroupMac(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

const pairKey = (src: string, dst: string): string => `${src}>${dst}`;

/**
 * Traffic since the previous reading, from cumulative counters: per pair `cur − prev`, or `cur` when the counter
 * went backwards (the element was re-created). Pairs to group addresses and pairs with no new traffic are left
 * out. Pure.
 */
export function counterDeltas(prev: ReadonlyMap<string, PairCounter>, cur: readonly PairCounter[]): TrafficEntry[] {
  const out: TrafficEntry[] = [];
  for (const c of cur) {
    if (isGroupMac(c.dst)) continue;
    const p = prev.get(pairKey(c.src, c.dst));
    const restarted = p === undefined || c.bytes < p.bytes || c.packets < p.packets;
    const bytes = restarted ? c.bytes : c.bytes - p.bytes;
    const packets = restarted ? c.packets : c.packets - p.packets;
    if (bytes > 0 || packets > 0) out.push({ src: c.src, dst: c.dst, bytes, packets });
  }
  return out;
}

/** Reads the cumulative per-pair counters of a host namespace. */
export async function readPairCounters(netns: string): Promise<PairCounter[]> {
  const argv = ["nft", "-j", "list", "set", "netdev", NETDEV_TABLE, PAIRS_SET];
  const doc = parseJsonOutput(NftCounterSet, await runIn(netns, argv), argv.join(" "));
  const out: PairCounter[] = [];
  for (const item of doc.nftables) {
    if (item.set === undefined) continue;
    for (const { elem } of item.set.elem) {
      const [src, dst] = elem.val.concat;
      out.push({ src: src.toLowerCase() as Mac, dst: dst.toLowerCase() as Mac, bytes: elem.counter.bytes, packets: elem.counter.packets });
    }
  }
  return out;
}

/** The sniffer of one host namespace: switch counting on and off, read deltas. */
export class PairSniffer {
  private prev = new Map<string, PairCounter>();
  /** The read in progress, if any (reads are serialized). */
  private reading: Promise<unknown> = Promise.resolve();

  constructor(readonly netdev: HostNetdev) {}

  get netns(): string {
    return this.netdev.netns;
  }

  /**
   * Starts counting (idempotent): hooks every port of the host if nothing did yet. The first {@link read} after
   * this returns traffic since the last read or since the set was created.
   */
  async enable(): Promise<void> {
    await this.netdev.setSniffing(true);
  }

  /** Stops counting (idempotent; ports stay hooked only while the host has pair rules); counters are kept. */
  async disable(): Promise<void> {
    await this.netdev.setSniffing(false);
  }

  /**
   * Traffic since the previous call (the first call returns everything counted so far). Calls are served one at a
   * time in call order, so overlapping calls (a slow read at one interval's end, the next already due) split the
   * traffic between them without counting anything twice or losing it.
   */
  read(): Promise<TrafficEntry[]> {
    const next = this.reading.then(async () => {
      const cur = await readPairCounters(this.netns);
      const out = counterDeltas(this.prev, cur);
      this.prev = new Map(cur.map((c) => [pairKey(c.src, c.dst), c]));
      return out;
    });
    this.reading = next.catch(() => undefined);
    return next;
  }

  /** Forgets earlier readings, so that the next {@link read} returns only what is counted from now on. */
  async reset(): Promise<void> {
    await this.read();
  }
}
