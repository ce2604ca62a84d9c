/**
 * Builds small pcap and pcapng files byte by byte (from the format drafts, independently of the parser) for the
 * capture tests.
 */

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function macBytes(mac: string): number[] {
  return mac.split(":").map((h) => parseInt(h, 16));
}

/**
 * An Ethernet frame `dst ← src`: optional VLAN tags (each a TPID such as 0x8100 or 0x88a8, with VLAN id 100 + i),
 * then `etherType` and `payload` zero bytes.
 */
export function ethFrame(dst: string, src: string, opts: { tags?: number[]; etherType?: number; payload?: number } = {}): Uint8Array {
  const bytes = [...macBytes(dst), ...macBytes(src)];
  (opts.tags ?? []).forEach((tpid, i) => bytes.push(tpid >> 8, tpid & 255, 0, 100 + i));
  const et = opts.etherType ?? 0x0800;
  bytes.push(et >> 8, et & 255);
  for (let i = 0; i < (opts.payload ?? 46); i++) bytes.push(0);
  return Uint8Array.from(bytes);
}

class Writer {
  private readonly bytes: number[] = [];
  private readonly le: boolean;
  constructor(le: boolean) {
    this.le = le;
  }
  u8(v: number): this {
    this.bytes.push(v & 255);
    return this;
  }
  u16(v: number): this {
    const b = new DataView(new ArrayBuffer(2));
    b.setUint16(0, v, this.le);
    this.bytes.push(b.getUint8(0), b.getUint8(1));
    return this;
  }
  u32(v: number): this {
    const b = new DataView(new ArrayBuffer(4));
    b.setUint32(0, v >>> 0, this.le);
    for (let i = 0; i < 4; i++) this.bytes.push(b.getUint8(i));
    return this;
  }
  u64(v: bigint): this {
    const b = new DataView(new ArrayBuffer(8));
    b.setBigUint64(0, BigInt.asUintN(64, v), this.le);
    for (let i = 0; i < 8; i++) this.bytes.push(b.getUint8(i));
    return this;
  }
  raw(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.bytes.push(b[i]!);
    return this;
  }
  pad4(): this {
    while (this.bytes.length % 4 !== 0) this.bytes.push(0);
    return this;
  }
  get length(): number {
    return this.bytes.length;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export interface PcapRecord {
  readonly sec: number;
  /** Microseconds, or nanoseconds in a nanosecond file. */
  readonly frac: number;
  readonly data: Uint8Array;
  /** Original length (default: the data length). */
  readonly origLen?: number;
}

/** A classic pcap file. `modified` writes Kuznetsov's 24-byte record headers (magic 0xa1b2cd34). */
export function pcapFile(records: PcapRecord[], opts: { le?: boolean; nanos?: boolean; modified?: boolean; linkType?: number; snapLen?: number } = {}): Uint8Array {
  const w = new Writer(opts.le ?? true);
  w.u32(opts.modified === true ? 0xa1b2cd34 : opts.nanos === true ? 0xa1b23c4d : 0xa1b2c3d4).u16(2).u16(4).u32(0).u32(0).u32(opts.snapLen ?? 262144).u32(opts.linkType ?? 1);
  for (const r of records) {
    w.u32(r.sec).u32(r.frac).u32(r.data.length).u32(r.origLen ?? r.data.length);
    if (opts.modified === true) w.u32(0).u16(0).u8(0).u8(0);
    w.raw(r.data);
  }
  return w.done();
}

function block(le: boolean, type: number, body: (w: Writer) => void): Uint8Array {
  const w = new Writer(le);
  body(w);
  w.pad4();
  const bodyBytes = w.done();
  const total = 12 + bodyBytes.length;
  return new Writer(le).u32(type).u32(total).raw(bodyBytes).u32(total).done();
}

/** A Section Header Block (version 1.0, unknown section length). */
export function shb(le: boolean): Uint8Array {
  return block(le, 0x0a0d0d0a, (w) => w.u32(0x1a2b3c4d).u16(1).u16(0).u64(-1n));
}

/** An Interface Description Block with optional if_tsresol (raw byte) and if_tsoffset (seconds). */
export function idb(le: boolean, opts: { linkType?: number; snapLen?: number; tsresol?: number; tsoffset?: bigint; comment?: string } = {}): Uint8Array {
  return block(le, 1, (w) => {
    w.u16(opts.linkType ?? 1).u16(0).u32(opts.snapLen ?? 0);
    if (opts.comment !== undefined) {
      const c = new TextEncoder().encode(opts.comment);
      w.u16(1).u16(c.length).raw(c).pad4();
    }
    if (opts.tsresol !== undefined) w.u16(9).u16(1).u8(opts.tsresol).pad4();
    if (opts.tsoffset !== undefined) w.u16(14).u16(8).u64(opts.tsoffset);
    if (opts.tsresol !== undefined || opts.tsoffset !== undefined || opts.comment !== undefined) w.u16(0).u16(0);
  });
}

/** An Enhanced Packet Block; `ts` in the interface's units. */
export function epb(le: boolean, ifId: number, ts: bigint, data: Uint8Array, origLen = data.length): Uint8Array {
  return block(le, 6, (w) => {
    w.u32(ifId).u32(Number(ts >> 32n)).u32(Number(ts & 0xffffffffn)).u32(data.length).u32(origLen).raw(data);
  });
}

/** The obsolete Packet Block (type 2). */
export function pb(le: boolean, ifId: number, ts: bigint, data: Uint8Array, origLen = data.length): Uint8Array {
  return block(le, 2, (w) => {
    w.u16(ifId).u16(0).u32(Number(ts >> 32n)).u32(Number(ts & 0xffffffffn)).u32(data.length).u32(origLen).raw(data);
  });
}

/** A Simple Packet Block (interface 0, no timestamp). */
export function spb(le: boolean, data: Uint8Array, origLen = data.length): Uint8Array {
  return block(le, 3, (w) => {
    w.u32(origLen).raw(data);
  });
}

/** A block of any type with an opaque body (name resolution 4, statistics 5, custom 0xBAD, ...). */
export function otherBlock(le: boolean, type: number, body: number[]): Uint8Array {
  return block(le, type, (w) => {
    w.raw(body);
  });
}
