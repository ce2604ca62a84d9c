/**
 * Turns captured Ethernet frames into per-interval MAC-pair traffic matrices, the observation VTTIF builds on
 * (Gupta, Lin, Dinda et al., "Free Network Measurement for Adaptive Virtualized Distributed Computing",
 * IPDPS 2006: the VNET daemon counts bytes per source/destination MAC over each interval). Pure: frames in,
 * trace events out, no I/O and no clock; the capture's own timestamps decide the intervals.
 *
 * Time is Unix time in milliseconds (trace `tMs = 0` is 1970-01-01T00:00:00Z), so intervals are aligned to the
 * epoch and captures taken at several points line up. Interval `k` covers `[k·I, (k+1)·I)`; a frame belongs to
 * the interval of its timestamp (whole milliseconds, rounded down). Each interval with traffic becomes one
 * global `traffic` event (no observing host) reported at its end, `tMs = (k+1)·I`, preceded by a `vm` event for
 * every MAC it names for the first time (VM id = the MAC). Intervals without frames produce no event.
 *
 * Captures are not always in time order (merged captures, several interfaces). A frame older than the interval
 * being filled is still counted exactly, in its own interval, which is then reported late: with the current
 * interval, under the same `tMs` (the trace format allows a report to arrive after its interval). So every
 * frame is counted once, in the right interval, and `tMs` never goes backwards.
 */
import { ConfigError, ErrorCode, InputError } from "../errors.js";
import type { Mac } from "../model/ids.js";
import { Vm } from "../model/network.js";
import type { TraceEvent, TrafficEvent } from "../trace/events.js";
import { ETHERNET_HEADER_BYTES, isGroupMacKey, macFromKey, macKey, vlanTagCount } from "./ethernet.js";
import { LINKTYPE_ETHERNET, type PacketSink } from "./pcap-parser.js";

/** Distinct MACs per capture are limited so that a (src, dst) index pair packs into one exact number. */
export const MAX_MACS = 1 << 26;

export interface MacTrafficOptions {
  /** Interval length in whole milliseconds (> 0). */
  readonly intervalMs: number;
  /** The capture's name, for error messages. */
  readonly file?: string | undefined;
}

/** What the aggregator has counted so far. */
export interface MacTrafficStats {
  /** Ethernet frames counted. */
  frames: number;
  /** Their bytes: the sum of original (on-the-wire) frame lengths, not of captured lengths. */
  bytes: number;
  /** Distinct MACs seen, as source or destination. */
  macs: number;
  /** Distinct MACs seen as source. */
  sourceMacs: number;
  /** Distinct group (multicast or broadcast) MACs seen. */
  groupMacs: number;
  /** Distinct (source, destination) MAC pairs. */
  pairs: number;
  /** Frames with at least one 802.1Q / 802.1ad tag, and with two or more (QinQ). */
  vlanTagged: number;
  qinq: number;
  /** Records of other link types, skipped, by link type. */
  skippedByLinkType: Map<number, number>;
  /** Ethernet records with fewer than 14 captured bytes (no complete header), skipped. */
  skippedShort: number;
  /** `traffic` events emitted, and how many of them were late (an earlier interval, out-of-order frames). */
  trafficEvents: number;
  lateReports: number;
}

/** The cells of one interval, in the order their pairs first appeared. */
class IntervalCells {
  readonly k: number;
  readonly index = new Map<number, number>();
  readonly src: number[] = [];
  readonly dst: number[] = [];
  readonly bytes: number[] = [];
  readonly packets: number[] = [];
  constructor(k: number) {
    this.k = k;
  }
}

/**
 * Accumulates frames (it is the parser's {@link PacketSink}) and yields trace events as intervals close.
 * See the module comment for the time and reporting rules.
 */
export class MacTrafficAggregator implements PacketSink {
  private readonly intervalMs: number;
  private readonly file: string | undefined;
  private readonly macIndex = new Map<number, number>();
  private readonly macs: Mac[] = [];
  private readonly announced: boolean[] = [];
  private readonly isSource: boolean[] = [];
  private readonly pairsSeen = new Set<number>();
  private cur: IntervalCells | null = null;
  private readonly late = new Map<number, IntervalCells>();
  private out: TraceEvent[] = [];
  // one-entry caches: consecutive frames often share their MACs
  private lastSrcKey = -1;
  private lastSrc = 0;
  private lastDstKey = -1;
  private lastDst = 0;

  readonly stats: MacTrafficStats = {
    frames: 0,
    bytes: 0,
    macs: 0,
    sourceMacs: 0,
    groupMacs: 0,
    pairs: 0,
    vlanTagged: 0,
    qinq: 0,
    skippedByLinkType: new Map(),
    skippedShort: 0,
    trafficEvents: 0,
    lateReports: 0,
  };

  constructor(options: MacTrafficOptions) {
    if (!Number.isInteger(options.intervalMs) || options.intervalMs <= 0) {
      throw new ConfigError("capture import options", [`intervalMs must be a positive whole number of milliseconds, not ${options.intervalMs}`]);
    }
    this.intervalMs = options.intervalMs;
    this.file = options.file;
  }

  packet(linkType: number, tsMs: number, origLen: number, b: Uint8Array, off: number, capLen: number): void {
    if (linkType !== LINKTYPE_ETHERNET) {
      const m = this.stats.skippedByLinkType;
      m.set(linkType, (m.get(linkType) ?? 0) + 1);
      return;
    }
    if (capLen < ETHERNET_HEADER_BYTES) {
      this.stats.skippedShort++;
      return;
    }
    const t0 = b[off + 12]!;
    if (t0 === 0x81 || t0 === 0x88 || t0 === 0x91) {
      const tags = vlanTagCount(b, off, capLen);
      if (tags > 0) this.stats.vlanTagged++;
      if (tags > 1) this.stats.qinq++;
    }
    const sk = macKey(b, off + 6);
    const s = sk === this.lastSrcKey ? this.lastSrc : (this.lastSrc = this.mac(sk));
    this.lastSrcKey = sk;
    const dk = macKey(b, off);
    const d = dk === this.lastDstKey ? this.lastDst : (this.lastDst = this.mac(dk));
    this.lastDstKey = dk;
    const k = Math.floor(tsMs / this.intervalMs);
    let iv = this.cur;
    if (iv === null || iv.k !== k) iv = this.intervalFor(k);
    const key = s * MAX_MACS + d;
    let c = iv.index.get(key);
    if (c === undefined) {
      c = iv.src.length;
      iv.index.set(key, c);
      iv.src.push(s);
      iv.dst.push(d);
      iv.bytes.push(origLen);
      iv.packets.push(1);
    } else {
      iv.bytes[c]! += origLen;
      iv.packets[c]!++;
    }
    this.stats.frames++;
    this.stats.bytes += origLen;
  }

  /** The events completed since the last call (in order), leaving the open interval open. */
  take(): TraceEvent[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  /** Closes every open interval and returns the remaining events. */
  finish(): TraceEvent[] {
    if (this.cur !== null) this.flush();
    return this.take();
  }

  private mac(key: number): number {
    let i = this.macIndex.get(key);
    if (i === undefined) {
      i = this.macs.length;
      if (i >= MAX_MACS) throw new InputError({ file: this.file }, `more than ${MAX_MACS} distinct MACs`, { code: ErrorCode.BadCapture });
      this.macIndex.set(key, i);
      this.macs.push(macFromKey(key));
      this.announced.push(false);
      this.isSource.push(false);
      this.stats.macs++;
      if (isGroupMacKey(key)) this.stats.groupMacs++;
    }
    return i;
  }

  private intervalFor(k: number): IntervalCells {
    const cur = this.cur;
    if (cur === null || k > cur.k) {
      if (cur !== null) this.flush();
      this.cur = new IntervalCells(k);
      return this.cur;
    }
    let iv = this.late.get(k);
    if (iv === undefined) {
      iv = new IntervalCells(k);
      this.late.set(k, iv);
    }
    return iv;
  }

  /** Reports the late intervals (oldest first) and then the current one, all at the current one's end. */
  private flush(): void {
    const cur = this.cur!;
    const tMs = (cur.k + 1) * this.intervalMs;
    const late = [...this.late.values()].sort((a, b) => a.k - b.k);
    this.late.clear();
    for (const iv of late) this.report(iv, tMs, true);
    this.report(cur, tMs, false);
    this.cur = null;
  }

  private report(iv: IntervalCells, tMs: number, late: boolean): void {
    const entries: TrafficEvent["entries"] = [];
    for (let c = 0; c < iv.src.length; c++) {
      const s = iv.src[c]!;
      const d = iv.dst[c]!;
      this.announce(s, tMs);
      this.announce(d, tMs);
      if (!this.isSource[s]) {
        this.isSource[s] = true;
        this.stats.sourceMacs++;
      }
      const key = s * MAX_MACS + d;
      if (!this.pairsSeen.has(key)) {
        this.pairsSeen.add(key);
        this.stats.pairs++;
      }
      entries.push([this.macs[s]!, this.macs[d]!, iv.bytes[c]!, iv.packets[c]!]);
    }
    this.out.push({ type: "traffic", tMs, startMs: iv.k * this.intervalMs, intervalMs: this.intervalMs, entries });
    this.stats.trafficEvents++;
    if (late) this.stats.lateReports++;
  }

  private announce(i: number, tMs: number): void {
    if (this.announced[i]) return;
    this.announced[i] = true;
    const mac = this.macs[i]!;
    this.out.push({ type: "vm", tMs, vm: Vm.parse({ id: mac, mac }) });
  }
}
