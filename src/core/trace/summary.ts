/** A streaming summary of a trace: what `vadapt inspect` prints. Pure: feed events, read the result. */
import type { HostId, Mac } from "../model/ids.js";
import type { TraceEvent, TraceEventType, TraceHeader } from "./events.js";

export interface TopTalker {
  readonly src: Mac;
  readonly dst: Mac;
  readonly bytes: number;
  readonly packets: number;
}

export interface TraceSummaryResult {
  readonly name: string | undefined;
  readonly source: string | undefined;
  readonly hosts: number;
  readonly links: number;
  readonly vms: number;
  /** Events by type. */
  readonly events: Readonly<Record<TraceEventType, number>>;
  /** Distinct traffic intervals (distinct `startMs`). */
  readonly intervals: number;
  readonly firstMs: number | null;
  readonly lastMs: number | null;
  /**
   * Traffic with each frame counted once: a per-host report's cell is counted only by the report of the
   * sender's home host (an inter-host frame is reported by both ends' daemons); global reports count as they are.
   */
  readonly totalBytes: number;
  readonly totalPackets: number;
  /** Traffic as reported, summed over all reports (counts an inter-host frame once per daemon that saw it). */
  readonly reportedBytes: number;
  /** Distinct MAC pairs with traffic. */
  readonly pairs: number;
  /** Heaviest MAC pairs over the whole trace, by bytes. */
  readonly topTalkers: readonly TopTalker[];
}

/** Accumulates a summary event by event in O(pairs) memory. */
export class TraceSummary {
  private readonly header: TraceHeader;
  private readonly counts: Record<TraceEventType, number> = { traffic: 0, load: 0, link: 0, vm: 0, truth: 0, mark: 0 };
  private readonly intervals = new Set<number>();
  private readonly pairs = new Map<string, { bytes: number; packets: number }>();
  private vms: number;
  private firstMs: number | null = null;
  private lastMs: number | null = null;
  private totalBytes = 0;
  private totalPackets = 0;
  private reportedBytes = 0;
  private readonly homeOf = new Map<Mac, HostId | undefined>();

  constructor(header: TraceHeader) {
    this.header = header;
    this.vms = header.vms.length;
    for (const v of header.vms) this.homeOf.set(v.mac, v.host);
  }

  add(e: TraceEvent): void {
    this.counts[e.type]++;
    if (this.firstMs === null) this.firstMs = e.tMs;
    this.lastMs = e.tMs;
    if (e.type === "vm") {
      if (!this.homeOf.has(e.vm.mac)) this.vms++;
      this.homeOf.set(e.vm.mac, e.vm.host);
    }
    if (e.type !== "traffic") return;
    this.intervals.add(e.startMs);
    for (const [src, dst, bytes, packets] of e.entries) {
      this.reportedBytes += bytes;
      if (e.host !== undefined) {
        const home = this.homeOf.get(src);
        if (home !== undefined && home !== e.host) continue;
      }
      this.totalBytes += bytes;
      this.totalPackets += packets;
      const key = `${src}>${dst}`;
      const p = this.pairs.get(key);
      if (p === undefined) this.pairs.set(key, { bytes, packets });
      else {
        p.bytes += bytes;
        p.packets += packets;
      }
    }
  }

  result(top = 10): TraceSummaryResult {
    const talkers = [...this.pairs.entries()]
      .sort((a, b) => b[1].bytes - a[1].bytes || (a[0] < b[0] ? -1 : 1))
      .slice(0, top)
      .map(([key, v]) => {
        const [src, dst] = key.split(">") as [Mac, Mac];
        return { src, dst, bytes: v.bytes, packets: v.packets };
      });
    return {
      name: this.header.name,
      source: this.header.source,
      hosts: this.header.hosts.length,
      links: this.header.links.length,
      vms: this.vms,
      events: { ...this.counts },
      intervals: this.intervals.size,
      firstMs: this.firstMs,
      lastMs: this.lastMs,
      totalBytes: this.totalBytes,
      totalPackets: this.totalPackets,
      reportedBytes: this.reportedBytes,
      pairs: this.pairs.size,
      topTalkers: talkers,
    };
  }
}
