/**
 * Ethernet header decoding for the capture importer, on raw bytes with no allocation: MAC addresses as 48-bit
 * numeric keys (exact in a double) and the 802.1Q / 802.1ad (QinQ) tag stack (IEEE 802.1Q-2018, clause 9).
 */
import type { Mac } from "../model/ids.js";

/** Length of an untagged Ethernet header: destination MAC, source MAC, EtherType/length. */
export const ETHERNET_HEADER_BYTES = 14;

/** TPIDs of VLAN tags: 802.1Q C-tag, 802.1ad S-tag, and the pre-standard QinQ 0x9100. */
const TPID_CTAG = 0x8100;
const TPID_STAG = 0x88a8;
const TPID_QINQ_OLD = 0x9100;

/** The 6 bytes at `off` as a number in [0, 2^48): big-endian, so keys sort like the MACs they stand for. */
export function macKey(b: Uint8Array, off: number): number {
  const hi = (b[off]! << 8) | b[off + 1]!;
  const lo = ((b[off + 2]! << 24) | (b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!) >>> 0;
  return hi * 0x1_0000_0000 + lo;
}

/** The canonical MAC (`02:00:00:00:00:01`) of a key made by {@link macKey}. */
export function macFromKey(key: number): Mac {
  const hex = key.toString(16).padStart(12, "0");
  return `${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}:${hex.slice(8, 10)}:${hex.slice(10, 12)}` as Mac;
}

/**
 * Whether a MAC key is a group (multicast or broadcast) address: the I/G bit, the least significant bit of the
 * first octet, is set.
 */
export function isGroupMacKey(key: number): boolean {
  return Math.floor(key / 0x100_0000_0000) % 2 === 1;
}

/**
 * How many VLAN tags (802.1Q 0x8100, 802.1ad 0x88a8, legacy QinQ 0x9100) follow the MACs of the frame whose
 * `capLen` captured bytes start at `off`; 0 for an untagged Ethernet II or 802.3 frame. Tags cut off by the
 * capture length are not counted. The MACs are at the same offsets whatever the tags, so this only classifies.
 */
export function vlanTagCount(b: Uint8Array, off: number, capLen: number): number {
  let tags = 0;
  let p = off + 12;
  const end = off + capLen;
  while (p + 4 <= end) {
    const tpid = (b[p]! << 8) | b[p + 1]!;
    if (tpid !== TPID_CTAG && tpid !== TPID_STAG && tpid !== TPID_QINQ_OLD) break;
    tags++;
    p += 4;
  }
  return tags;
}
