/**
 * Recomputes the TCP or UDP checksum of the IPv4 packet inside a VXLAN datagram. A frame that a veth-attached
 * stack sent with checksum offload reaches a local socket (the WAN relay) with that checksum still unfilled
 * (CHECKSUM_PARTIAL is trusted along the way and nothing on a veth fills it); relayed as is, the far end drops it.
 * Recomputing is right whether or not the sum was filled. Pure; changes `datagram` in place.
 */

const VXLAN_HEADER = 8;
const ETH_HEADER = 14;
const ETHERTYPE_IPV4 = 0x0800;
const PROTO_TCP = 6;
const PROTO_UDP = 17;

/** One's-complement sum of 16-bit big-endian words of `b[start, end)`, added to `sum` (not folded). */
function sum16(b: Uint8Array, start: number, end: number, sum: number): number {
  let s = sum;
  let i = start;
  for (; i + 1 < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if (i < end) s += b[i]! << 8;
  return s;
}

function fold(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/**
 * Fixes the inner L4 checksum of a VXLAN datagram's payload (`datagram` is the UDP payload: VXLAN header, inner
 * Ethernet frame). Returns whether a checksum was written (false: not IPv4 TCP/UDP, a fragment, or truncated).
 */
export function fixInnerChecksum(datagram: Uint8Array): boolean {
  const eth = VXLAN_HEADER;
  if (datagram.length < eth + ETH_HEADER + 20) return false;
  if (((datagram[eth + 12]! << 8) | datagram[eth + 13]!) !== ETHERTYPE_IPV4) return false;
  const ip = eth + ETH_HEADER;
  if (datagram[ip]! >> 4 !== 4) return false;
  const ihl = (datagram[ip]! & 0x0f) * 4;
  const totalLen = (datagram[ip + 2]! << 8) | datagram[ip + 3]!;
  const fragment = ((datagram[ip + 6]! << 8) | datagram[ip + 7]!) & 0x3fff; // MF flag or offset
  const proto = datagram[ip + 9]!;
  if (ihl < 20 || fragment !== 0 || totalLen < ihl || ip + totalLen > datagram.length) return false;
  if (proto !== PROTO_TCP && proto !== PROTO_UDP) return false;
  const l4 = ip + ihl;
  const l4Len = totalLen - ihl;
  const csumAt = l4 + (proto === PROTO_TCP ? 16 : 6);
  if (csumAt + 2 > ip + totalLen) return false;
  if (proto === PROTO_UDP && datagram[csumAt] === 0 && datagram[csumAt + 1] === 0) return false; // no checksum in use
  datagram[csumAt] = 0;
  datagram[csumAt + 1] = 0;
  let s = sum16(datagram, ip + 12, ip + 20, 0); // source and destination addresses
  s += proto + l4Len;
  s = sum16(datagram, l4, l4 + l4Len, s);
  let c = ~fold(s) & 0xffff;
  if (c === 0 && proto === PROTO_UDP) c = 0xffff;
  datagram[csumAt] = c >> 8;
  datagram[csumAt + 1] = c & 0xff;
  return true;
}
