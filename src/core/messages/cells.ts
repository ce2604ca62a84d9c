/**
 * A compact binary encoding of a sparse traffic matrix, for reports of up to millions of cells:
 *
 * ```
 * u32 magic 0x56544331 ("VTC1"), u32 nMacs, u32 nCells            (little-endian)
 * nMacs × 6 bytes                                                   the MACs, in index order
 * padding to a multiple of 8 bytes
 * nCells × (u32 srcIndex, u32 dstIndex)                             cell coordinates
 * nCells × f64 bytes, nCells × f64 packets
 * ```
 * The numeric arrays are 8-byte aligned, so a little-endian reader views them in place as typed arrays.
 * About 24 bytes a cell (JSON with MAC strings: about 60).
 */
import { InputError, type InputLocation } from "../errors.js";
import { macFromBytes, type Mac } from "../model/ids.js";
import type { TrafficEntry } from "../model/traffic.js";

const MAGIC = 0x56544331;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const align8 = (n: number): number => n + ((8 - (n % 8)) % 8);

function macBytes(mac: Mac, out: Uint8Array, at: number): void {
  for (let i = 0; i < 6; i++) out[at + i] = Number.parseInt(mac.slice(i * 3, i * 3 + 2), 16);
}

/** Encodes cells (MACs must be canonical). */
export function encodeCells(entries: readonly TrafficEntry[]): Uint8Array {
  const index = new Map<Mac, number>();
  const macs: Mac[] = [];
  const idx = (m: Mac): number => {
    let i = index.get(m);
    if (i === undefined) {
      i = macs.length;
      index.set(m, i);
      macs.push(m);
    }
    return i;
  };
  const coords = new Uint32Array(entries.length * 2);
  entries.forEach((e, k) => {
    coords[2 * k] = idx(e.src);
    coords[2 * k + 1] = idx(e.dst);
  });
  const coordsAt = align8(12 + macs.length * 6);
  const buf = new Uint8Array(coordsAt + coords.byteLength + entries.length * 16);
  const dv = new DataView(buf.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, macs.length, true);
  dv.setUint32(8, entries.length, true);
  macs.forEach((m, i) => macBytes(m, buf, 12 + i * 6));
  let at = coordsAt;
  for (let k = 0; k < coords.length; k++, at += 4) dv.setUint32(at, coords[k]!, true);
  for (const e of entries) {
    dv.setFloat64(at, e.bytes, true);
    at += 8;
  }
  for (const e of entries) {
    dv.setFloat64(at, e.packets, true);
    at += 8;
  }
  return buf;
}

/**
 * Canonical MAC strings by their 48-bit value, shared across messages: the same VMs appear in every report, and
 * reusing one string per MAC saves the allocation and lets maps keyed by MAC reuse its cached hash. Bounded.
 */
const macCache = new Map<number, Mac>();
const MAC_CACHE_MAX = 1 << 20;

function macAt(buf: Uint8Array, at: number): Mac {
  const key = ((buf[at]! * 256 + buf[at + 1]!) * 256 + buf[at + 2]!) * 16777216 + ((buf[at + 3]! << 16) | (buf[at + 4]! << 8) | buf[at + 5]!);
  let m = macCache.get(key);
  if (m === undefined) {
    m = macFromBytes(buf, at);
    if (macCache.size >= MAC_CACHE_MAX) macCache.clear();
    macCache.set(key, m);
  }
  return m;
}

/** `[src, dst, bytes, packets]` tuples, the trace's form of a cell. */
export type CellTuple = [Mac, Mac, number, number];

/** Decodes cells; any inconsistency is an {@link InputError} naming the byte offset. */
export function decodeCells(buf: Uint8Array, where: InputLocation): TrafficEntry[] {
  return decodeCellTuples(buf, where).map(([src, dst, bytes, packets]) => ({ src, dst, bytes, packets }));
}

/** Decodes cells straight into the trace's tuple form (the ingest hot path). */
export function decodeCellTuples(buf: Uint8Array, where: InputLocation): CellTuple[] {
  const bad = (offset: number, reason: string): never => {
    throw new InputError({ ...where, offset }, reason);
  };
  if (buf.byteLength < 12) bad(0, `matrix too short (${buf.byteLength} bytes)`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) bad(0, "not a VTC1 matrix (bad magic)");
  const nMacs = dv.getUint32(4, true);
  const nCells = dv.getUint32(8, true);
  const coordsAt = align8(12 + nMacs * 6);
  const valuesAt = coordsAt + nCells * 8;
  const size = valuesAt + nCells * 16;
  if (buf.byteLength !== size) bad(4, `matrix of ${nMacs} MACs and ${nCells} cells needs ${size} bytes, has ${buf.byteLength}`);
  const macs: Mac[] = new Array(nMacs);
  for (let i = 0; i < nMacs; i++) macs[i] = macAt(buf, 12 + i * 6);
  // Views in place where the platform and alignment allow; otherwise an aligned copy (or DataView on big-endian).
  let coords: ArrayLike<number>;
  let values: ArrayLike<number>;
  if (LITTLE_ENDIAN) {
    const base = buf.byteOffset % 8 === 0 ? buf : buf.slice();
    coords = new Uint32Array(base.buffer, base.byteOffset + coordsAt, nCells * 2);
    values = new Float64Array(base.buffer, base.byteOffset + valuesAt, nCells * 2);
  } else {
    const c = new Uint32Array(nCells * 2);
    const v = new Float64Array(nCells * 2);
    for (let k = 0; k < nCells * 2; k++) {
      c[k] = dv.getUint32(coordsAt + 4 * k, true);
      v[k] = dv.getFloat64(valuesAt + 8 * k, true);
    }
    coords = c;
    values = v;
  }
  const out: CellTuple[] = new Array(nCells);
  for (let k = 0; k < nCells; k++) {
    const si = coords[2 * k]!;
    const di = coords[2 * k + 1]!;
    if (si >= nMacs || di >= nMacs) bad(coordsAt + 8 * k, `cell ${k} names MAC index ${Math.max(si, di)} of ${nMacs}`);
    const bytes = values[k]!;
    const packets = values[nCells + k]!;
    if (!(bytes >= 0 && bytes < Infinity)) bad(valuesAt + 8 * k, `cell ${k}: bytes ${bytes} is not a finite non-negative number`);
    if (!(packets >= 0 && packets < Infinity)) bad(valuesAt + 8 * (nCells + k), `cell ${k}: packets ${packets} is not a finite non-negative number`);
    out[k] = [macs[si]!, macs[di]!, bytes, packets];
  }
  return out;
}
