/**
 * An incremental parser of packet captures: classic libpcap files and pcapng, written from the format
 * specifications (draft-ietf-opsawg-pcap and draft-ietf-opsawg-pcapng), with no I/O. Feed it byte chunks of any
 * size with {@link PcapParser.push} and call {@link PcapParser.end} at the end of the input; it hands every packet
 * record to a {@link PacketSink} as it completes, without copying the packet bytes (only a record that straddles
 * two chunks is copied, into a carry buffer). Memory is bounded by the largest record, so captures of any size
 * stream through it.
 *
 * Damaged input never makes it throw anything but an {@link InputError} with code `E_BAD_CAPTURE` naming the file
 * and the byte offset of the bad record. A file that ends inside a record is not an error: {@link PcapParser.end}
 * drops that record and reports it in {@link CaptureParseStats.truncatedRecords}; everything before it was
 * delivered.
 */
import { ErrorCode, InputError } from "../errors.js";

/** LINKTYPE_ETHERNET: IEEE 802.3 Ethernet (the only link type whose frames carry the MACs vadapt counts). */
export const LINKTYPE_ETHERNET = 1;

/** The largest packet record accepted in a classic pcap file; a larger length means a corrupt file. */
export const MAX_PCAP_RECORD_BYTES = 16 * 1024 * 1024;
/** The largest pcapng block accepted (as Wireshark: 16 MiB of data plus room for options). */
export const MAX_PCAPNG_BLOCK_BYTES = 16 * 1024 * 1024 + 128 * 1024;

/** Receives each packet record. The bytes are only valid during the call (the parser reuses its buffers). */
export interface PacketSink {
  /**
   * One packet record.
   * @param linkType the LINKTYPE_* of the interface it was captured on
   * @param tsMs its timestamp, Unix time in whole milliseconds (rounded down)
   * @param origLen its length on the wire (the record's original length, which may exceed `capLen`)
   * @param bytes a buffer holding the captured bytes at `[off, off + capLen)`
   */
  packet(linkType: number, tsMs: number, origLen: number, bytes: Uint8Array, off: number, capLen: number): void;
}

/** What a parse has seen so far. */
export interface CaptureParseStats {
  /** The file format, once its header has been read. */
  format: "pcap" | "pcapng" | null;
  /** Byte order of the file (classic pcap) or of its first section (pcapng). */
  byteOrder: "little-endian" | "big-endian" | null;
  /** Bytes pushed so far. */
  bytes: number;
  /** Packet records delivered to the sink, of every link type. */
  packets: number;
  /** pcapng sections (Section Header Blocks); 1 for a classic pcap file. */
  sections: number;
  /** Interfaces declared (pcapng Interface Description Blocks over all sections); 1 for a classic pcap file. */
  interfaces: number;
  /** pcapng blocks of other types (name resolution, statistics, custom...), skipped. */
  skippedBlocks: number;
  /** Packets whose timestamp, after a negative `if_tsoffset`, fell before 1970 and was clamped to 0. */
  clampedTimestamps: number;
  /** 1 if the input ended inside a record (that record was dropped), else 0. */
  truncatedRecords: number;
  /** Byte offset where the truncated record starts, its expected size and the bytes present. */
  truncated: { offset: number; expectedBytes: number | null; presentBytes: number } | null;
}

const Mode = { Start: 0, Pcap: 1, Pcapng: 2 } as const;
type Mode = (typeof Mode)[keyof typeof Mode];

const PCAP_HEADER_BYTES = 24;
const BLOCK_SHB = 0x0a0d0d0a;
const BLOCK_IDB = 0x00000001;
const BLOCK_PB = 0x00000002; // obsolete Packet Block
const BLOCK_SPB = 0x00000003;
const BLOCK_EPB = 0x00000006;
const OPT_END = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;
const TWO32 = 0x1_0000_0000;
/** The fast exact timestamp path needs `unitsPerMs * 2^32 < 2^53`. */
const FAST_UNITS_PER_MS_MAX = 1 << 21;

function u16(b: Uint8Array, o: number, le: boolean): number {
  return le ? b[o]! | (b[o + 1]! << 8) : (b[o]! << 8) | b[o + 1]!;
}

function u32(b: Uint8Array, o: number, le: boolean): number {
  return le
    ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0
    : ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function hexBytes(b: Uint8Array, o: number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += (b[o + i] ?? 0).toString(16).padStart(2, "0");
  return s;
}

/** A pcapng interface: its link type and how to turn its 64-bit timestamps into milliseconds. */
interface Interface {
  readonly linkType: number;
  readonly snapLen: number;
  /** Timestamp units per millisecond when that is an integer small enough for the exact fast path, else 0. */
  readonly unitsPerMs: number;
  /** Timestamp units per second (for the exact BigInt path of unusual resolutions). */
  readonly unitsPerSecond: bigint;
  /** `if_tsoffset`, in milliseconds. */
  readonly offsetMs: number;
}

/** Incremental pcap / pcapng parser. See the module comment. */
export class PcapParser {
  private readonly sink: PacketSink;
  private readonly file: string | undefined;
  private mode: Mode = Mode.Start;
  private le = true;
  private headerDone = false;
  // classic pcap
  private linkType = 0;
  private fracPerMs = 1000;
  private recordHeaderBytes = 16;
  // pcapng
  private ifaces: Interface[] = [];
  private lastTsMs = 0;
  // streaming
  private carry = new Uint8Array(0);
  private carryLen = 0;
  /** Bytes needed at the current unit before it can make progress (always > the bytes it has when waiting). */
  private want = 0;
  /** Bytes consumed by complete units: the file offset of the current unit. */
  private consumed = 0;
  private failure: InputError | null = null;
  private ended = false;

  readonly stats: CaptureParseStats = {
    format: null,
    byteOrder: null,
    bytes: 0,
    packets: 0,
    sections: 0,
    interfaces: 0,
    skippedBlocks: 0,
    clampedTimestamps: 0,
    truncatedRecords: 0,
    truncated: null,
  };

  /** @param file the capture's name, for error messages */
  constructor(sink: PacketSink, file?: string) {
    this.sink = sink;
    this.file = file;
  }

  /** Parses the next bytes of the capture. The chunk is not kept after the call returns. */
  push(chunk: Uint8Array): void {
    if (this.failure !== null) throw this.failure;
    if (this.ended) throw new InputError({ file: this.file, offset: this.stats.bytes }, "data pushed after the end of the capture", { code: ErrorCode.BadCapture });
    try {
      this.pushChunk(chunk);
    } catch (e) {
      if (e instanceof InputError) this.failure = e;
      throw e;
    }
  }

  /**
   * Ends the input. Throws if no complete file header was seen (not a capture); a partial final record is dropped
   * and counted in the stats.
   */
  end(): CaptureParseStats {
    if (this.failure !== null) throw this.failure;
    if (this.ended) return this.stats;
    this.ended = true;
    if (!this.headerDone) {
      this.failure =
        this.stats.bytes === 0
          ? new InputError({ file: this.file, offset: 0 }, "empty file: not a pcap or pcapng capture", { code: ErrorCode.BadCapture })
          : new InputError({ file: this.file, offset: 0 }, `the file ends after ${this.stats.bytes} bytes, inside its ${this.mode === Mode.Pcapng ? "pcapng section header" : "capture header"}`, {
              code: ErrorCode.BadCapture,
            });
      throw this.failure;
    }
    if (this.carryLen > 0) {
      this.stats.truncatedRecords = 1;
      // Waiting for more than a record header means the header was read and the record's size is known.
      const knowsSize = this.want > (this.mode === Mode.Pcap ? this.recordHeaderBytes : 12);
      this.stats.truncated = { offset: this.consumed, expectedBytes: knowsSize ? this.want : null, presentBytes: this.carryLen };
      this.carryLen = 0;
    }
    return this.stats;
  }

  private fail(offset: number, reason: string): never {
    throw new InputError({ file: this.file, offset }, reason, { code: ErrorCode.BadCapture });
  }

  private pushChunk(chunk: Uint8Array): void {
    const len = chunk.length;
    this.stats.bytes += len;
    let pos = 0;
    if (this.carryLen > 0) {
      // Complete the unit that straddles the previous chunk: copy just the bytes it still needs.
      for (;;) {
        const take = Math.min(this.want - this.carryLen, len - pos);
        this.reserve(this.carryLen + take);
        this.carry.set(chunk.subarray(pos, pos + take), this.carryLen);
        this.carryLen += take;
        pos += take;
        if (this.carryLen < this.want) return;
        const n = this.step(this.carry, 0, this.carryLen);
        if (n > 0) {
          this.consumed += n;
          this.carryLen = 0;
          break;
        }
      }
    }
    for (;;) {
      const n = this.step(chunk, pos, len - pos);
      if (n === 0) break;
      pos += n;
      this.consumed += n;
    }
    if (pos < len) {
      this.reserve(len - pos);
      this.carry.set(chunk.subarray(pos), 0);
      this.carryLen = len - pos;
    }
  }

  private reserve(n: number): void {
    if (n <= this.carry.length) return;
    const next = new Uint8Array(Math.max(n, this.carry.length * 2, 4096));
    next.set(this.carry.subarray(0, this.carryLen));
    this.carry = next;
  }

  /**
   * Consumes one complete unit (file header, record or block) at `b[off]` and returns its size, or returns 0
   * and sets `want` (> avail) to the bytes it needs first.
   */
  private step(b: Uint8Array, off: number, avail: number): number {
    if (this.mode === Mode.Pcap) return this.pcapRecord(b, off, avail);
    if (this.mode === Mode.Pcapng) return this.pcapngBlock(b, off, avail);
    return this.start(b, off, avail);
  }

  private need(n: number): 0 {
    this.want = n;
    return 0;
  }

  private start(b: Uint8Array, off: number, avail: number): number {
    if (avail < 4) return this.need(4);
    const m = hexBytes(b, off, 4);
    if (m === "0a0d0d0a") {
      this.mode = Mode.Pcapng;
      this.stats.format = "pcapng";
      return this.pcapngBlock(b, off, avail);
    }
    const magics: Record<string, { le: boolean; nanos: boolean; modified: boolean }> = {
      d4c3b2a1: { le: true, nanos: false, modified: false },
      a1b2c3d4: { le: false, nanos: false, modified: false },
      "4d3cb2a1": { le: true, nanos: true, modified: false },
      a1b23c4d: { le: false, nanos: true, modified: false },
      "34cdb2a1": { le: true, nanos: false, modified: true },
      a1b2cd34: { le: false, nanos: false, modified: true },
    };
    const kind = magics[m];
    if (kind === undefined) this.fail(0, `not a pcap or pcapng capture (magic number 0x${m})`);
    if (avail < PCAP_HEADER_BYTES) return this.need(PCAP_HEADER_BYTES);
    const le = kind.le;
    const major = u16(b, off + 4, le);
    const minor = u16(b, off + 6, le);
    if (major !== 2) this.fail(4, `unsupported pcap version ${major}.${minor} (only 2.x exists)`);
    this.le = le;
    this.fracPerMs = kind.nanos ? 1_000_000 : 1000;
    this.recordHeaderBytes = kind.modified ? 24 : 16;
    // The link-type field's top bits carry FCS information (libpcap's LT_LINKTYPE mask).
    this.linkType = u32(b, off + 20, le) & 0x03ffffff;
    this.mode = Mode.Pcap;
    this.headerDone = true;
    this.stats.format = "pcap";
    this.stats.byteOrder = le ? "little-endian" : "big-endian";
    this.stats.sections = 1;
    this.stats.interfaces = 1;
    return PCAP_HEADER_BYTES;
  }

  private pcapRecord(b: Uint8Array, off: number, avail: number): number {
    const hdr = this.recordHeaderBytes;
    if (avail < hdr) return this.need(hdr);
    const le = this.le;
    const capLen = u32(b, off + 8, le);
    if (capLen > MAX_PCAP_RECORD_BYTES) this.fail(this.consumed, `packet record claims ${capLen} captured bytes (more than ${MAX_PCAP_RECORD_BYTES}): corrupt capture`);
    const total = hdr + capLen;
    if (avail < total) return this.need(total);
    const tsMs = u32(b, off, le) * 1000 + Math.floor(u32(b, off + 4, le) / this.fracPerMs);
    this.stats.packets++;
    this.sink.packet(this.linkType, tsMs, u32(b, off + 12, le), b, off + hdr, capLen);
    return total;
  }

  private pcapngBlock(b: Uint8Array, off: number, avail: number): number {
    if (avail < 12) return this.need(12);
    const at = this.consumed;
    // The Section Header Block's type reads the same in both byte orders; its byte-order magic sets the order.
    const isShb = b[off] === 0x0a && b[off + 1] === 0x0d && b[off + 2] === 0x0d && b[off + 3] === 0x0a;
    if (isShb) {
      const bom = hexBytes(b, off + 8, 4);
      if (bom === "4d3c2b1a") this.le = true;
      else if (bom === "1a2b3c4d") this.le = false;
      else this.fail(at + 8, `section header has a bad byte-order magic 0x${bom}`);
    }
    const le = this.le;
    const type = u32(b, off, le);
    const len = u32(b, off + 4, le);
    if (len < 12 || len % 4 !== 0 || len > MAX_PCAPNG_BLOCK_BYTES) {
      this.fail(at + 4, `block of type 0x${type.toString(16)} has an invalid length ${len} (must be a multiple of 4, 12 to ${MAX_PCAPNG_BLOCK_BYTES})`);
    }
    if (avail < len) return this.need(len);
    const trailer = u32(b, off + len - 4, le);
    if (trailer !== len) this.fail(at + len - 4, `block of type 0x${type.toString(16)} ends with length ${trailer}, not its length ${len}: corrupt capture`);
    const end = off + len - 4;
    switch (type) {
      case BLOCK_SHB:
        this.sectionHeader(b, off, len, at);
        break;
      case BLOCK_IDB:
        this.interfaceDescription(b, off, end, at);
        break;
      case BLOCK_EPB:
      case BLOCK_PB: {
        if (len < 32) this.fail(at + 4, `packet block too short (${len} bytes)`);
        const ifId = type === BLOCK_EPB ? u32(b, off + 8, le) : u16(b, off + 8, le);
        const iface = this.ifaces[ifId];
        if (iface === undefined) this.fail(at + 8, `packet on interface ${ifId}, but the section declares ${this.ifaces.length} interface(s)`);
        const capLen = u32(b, off + 20, le);
        if (capLen > len - 32) this.fail(at + 20, `packet block claims ${capLen} captured bytes but holds at most ${len - 32}`);
        const tsMs = this.timestampMs(iface, u32(b, off + 12, le), u32(b, off + 16, le));
        this.lastTsMs = tsMs;
        this.stats.packets++;
        this.sink.packet(iface.linkType, tsMs, u32(b, off + 24, le), b, off + 28, capLen);
        break;
      }
      case BLOCK_SPB: {
        // A Simple Packet Block has no interface id (it is interface 0) and no timestamp: it is counted at the
        // time of the latest timestamped packet before it.
        if (len < 16) this.fail(at + 4, `simple packet block too short (${len} bytes)`);
        const iface = this.ifaces[0];
        if (iface === undefined) this.fail(at, "simple packet block in a section that declares no interface");
        const origLen = u32(b, off + 8, le);
        let capLen = Math.min(origLen, len - 16);
        if (iface.snapLen > 0) capLen = Math.min(capLen, iface.snapLen);
        this.stats.packets++;
        this.sink.packet(iface.linkType, this.lastTsMs, origLen, b, off + 12, capLen);
        break;
      }
      default:
        this.stats.skippedBlocks++;
    }
    return len;
  }

  private sectionHeader(b: Uint8Array, off: number, len: number, at: number): void {
    if (len < 28) this.fail(at + 4, `section header block too short (${len} bytes)`);
    const major = u16(b, off + 12, this.le);
    const minor = u16(b, off + 14, this.le);
    if (major !== 1) this.fail(at + 12, `unsupported pcapng version ${major}.${minor}`);
    this.ifaces = [];
    this.stats.sections++;
    if (!this.headerDone) {
      this.headerDone = true;
      this.stats.byteOrder = this.le ? "little-endian" : "big-endian";
    }
  }

  private interfaceDescription(b: Uint8Array, off: number, end: number, at: number): void {
    const le = this.le;
    if (end - off < 16) this.fail(at + 4, "interface description block too short");
    const linkType = u16(b, off + 8, le);
    const snapLen = u32(b, off + 12, le);
    let resol = 6;
    let offsetMs = 0;
    let p = off + 16;
    while (p + 4 <= end) {
      const code = u16(b, p, le);
      const olen = u16(b, p + 2, le);
      if (code === OPT_END) break;
      if (p + 4 + olen > end) this.fail(at + (p - off), `interface option ${code} (length ${olen}) overruns its block`);
      if (code === OPT_IF_TSRESOL && olen >= 1) resol = b[p + 4]!;
      if (code === OPT_IF_TSOFFSET && olen >= 8) {
        const hi = u32(b, p + 4 + (le ? 4 : 0), le) | 0; // signed high word
        const lo = u32(b, p + 4 + (le ? 0 : 4), le);
        offsetMs = (hi * TWO32 + lo) * 1000;
      }
      p += 4 + ((olen + 3) & ~3);
    }
    // if_tsresol: top bit clear = 10^-n seconds, set = 2^-n seconds.
    const unitsPerSecond = resol & 0x80 ? 1n << BigInt(resol & 0x7f) : 10n ** BigInt(resol);
    const decimal = (resol & 0x80) === 0;
    const unitsPerMs = decimal && resol >= 3 && 10 ** (resol - 3) <= FAST_UNITS_PER_MS_MAX ? 10 ** (resol - 3) : 0;
    this.ifaces.push({ linkType, snapLen, unitsPerMs, unitsPerSecond, offsetMs });
    this.stats.interfaces++;
  }

  /** A 64-bit timestamp (in the interface's units) as whole Unix milliseconds, exactly. */
  private timestampMs(iface: Interface, hi: number, lo: number): number {
    let ms: number;
    const d = iface.unitsPerMs;
    if (d !== 0) {
      // (hi·2^32 + lo) / d with hi = a·d + r: a·2^32 + (r·2^32 + lo) / d, all terms exact below 2^53.
      const a = Math.floor(hi / d);
      const t = (hi - a * d) * TWO32 + lo;
      let q = Math.floor(t / d);
      if (q * d > t) q--;
      ms = a * TWO32 + q;
    } else {
      ms = Number((((BigInt(hi) << 32n) | BigInt(lo)) * 1000n) / iface.unitsPerSecond);
    }
    if (iface.offsetMs !== 0) {
      ms += iface.offsetMs;
      if (ms < 0) {
        this.stats.clampedTimestamps++;
        ms = 0;
      }
    }
    return ms;
  }
}
