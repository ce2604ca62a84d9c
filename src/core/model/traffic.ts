import type { Mac } from "./ids.js";

/** Bytes and packets sent from one MAC to another during one interval. */
export interface TrafficEntry {
  readonly src: Mac;
  readonly dst: Mac;
  readonly bytes: number;
  readonly packets: number;
}

/** A sparse traffic matrix: the frames one observer saw during [startMs, startMs + intervalMs). */
export interface TrafficMatrix {
  readonly startMs: number;
  readonly intervalMs: number;
  readonly entries: readonly TrafficEntry[];
}

/**
 * A dense traffic matrix for numeric kernels: row-major `n × n` typed arrays indexed by position in `macs`.
 * `bytes[i * n + j]` is the traffic from `macs[i]` to `macs[j]`.
 */
export interface DenseTrafficMatrix {
  readonly macs: readonly Mac[];
  readonly bytes: Float64Array;
  readonly packets: Float64Array;
}

/** Builds a MAC → row index map. */
export function indexOf(macs: readonly Mac[]): Map<Mac, number> {
  const m = new Map<Mac, number>();
  macs.forEach((mac, i) => m.set(mac, i));
  return m;
}

/**
 * Densifies sparse entries over the given MAC order (entries naming other MACs are ignored and counted).
 * Duplicate (src, dst) entries are summed.
 */
export function toDense(entries: Iterable<TrafficEntry>, macs: readonly Mac[]): { matrix: DenseTrafficMatrix; unknown: number } {
  const n = macs.length;
  const idx = indexOf(macs);
  const bytes = new Float64Array(n * n);
  const packets = new Float64Array(n * n);
  let unknown = 0;
  for (const e of entries) {
    const i = idx.get(e.src);
    const j = idx.get(e.dst);
    if (i === undefined || j === undefined) {
      unknown++;
      continue;
    }
    bytes[i * n + j]! += e.bytes;
    packets[i * n + j]! += e.packets;
  }
  return { matrix: { macs, bytes, packets }, unknown };
}

/** Back to sparse form, dropping zero cells, in row-major order. */
export function toSparse(m: DenseTrafficMatrix): TrafficEntry[] {
  const n = m.macs.length;
  const out: TrafficEntry[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const b = m.bytes[i * n + j]!;
      const p = m.packets[i * n + j]!;
      if (b !== 0 || p !== 0) out.push({ src: m.macs[i]!, dst: m.macs[j]!, bytes: b, packets: p });
    }
  }
  return out;
}

/** Converts bytes over an interval to Mbit/s. */
export function bytesToMbps(bytes: number, intervalMs: number): number {
  return intervalMs > 0 ? (bytes * 8) / (intervalMs * 1000) : 0;
}

/** Converts a rate in Mbit/s held for an interval to bytes. */
export function mbpsToBytes(mbps: number, intervalMs: number): number {
  return (mbps * intervalMs * 1000) / 8;
}

/**
 * Spreads traffic counted over `parts` consecutive intervals evenly across them (an agent that could not read its
 * counters at every interval's end): each entry's bytes and packets are split into `parts` integer shares that sum
 * to the whole, so nothing is lost or counted twice. Entries with nothing in a share are left out of it.
 */
export function spreadEntries(entries: readonly TrafficEntry[], parts: number): TrafficEntry[][] {
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError(`parts must be a positive integer, got ${parts}`);
  const share = (total: number, k: number): number => Math.floor((total * (k + 1)) / parts) - Math.floor((total * k) / parts);
  return Array.from({ length: parts }, (_, k) =>
    entries
      .map((e) => ({ src: e.src, dst: e.dst, bytes: share(e.bytes, k), packets: share(e.packets, k) }))
      .filter((e) => e.bytes > 0 || e.packets > 0),
  );
}
