/**
 * VTTIF aggregation (Gupta & Dinda, JSSPP 2004; Gupta et al., IPDPS 2006): combines the local traffic matrices
 * that each host's daemon reports into one global VM x VM matrix per interval.
 *
 * Each daemon sees only the frames through it: frames between its own VMs, frames its VMs send and receive over
 * the overlay, and frames it forwards for others. An inter-host frame is therefore reported at least twice.
 * **Deduplication rule, per cell (src, dst) and interval:** take the value reported by the src VM's home host;
 * if that host's report has no such cell (it is missing, or the VM's home is stale), take the dst VM's home
 * host's value; failing both, the largest value any other (forwarding) host reported. Within one report,
 * repeated cells are summed. A report that names the global matrix (no `host`) is taken as it is and host
 * reports for that interval are set aside (counted as superseded).
 *
 * **Timing:** intervals lie on a grid of `intervalMs` anchored at the first report. An interval closes when a
 * report or `advanceTo` time reaches its end plus `graceMs` (the watermark). A report for a closed interval is
 * late and dropped; a second report from the same host for the same interval is a duplicate and dropped; a
 * report off the grid is misaligned and dropped; every one is counted. Hosts that are home to a VM but did not
 * report are listed as missing. Intervals with no report at all are still emitted (empty), so time has no gaps.
 */
import type { HostId, Mac } from "../model/ids.js";
import type { DenseTrafficMatrix } from "../model/traffic.js";
import type { TrafficEvent } from "../trace/events.js";

export interface AggregatorOptions {
  /** The reporting interval, ms. */
  readonly intervalMs: number;
  /** How long after an interval's end reports are still accepted (default: one interval). */
  readonly graceMs?: number;
}

/** Where each cell of an interval's matrix came from. */
export interface CellSources {
  readonly fromSource: number;
  readonly fromDestination: number;
  readonly fromOther: number;
  /** Report cells not used (seen by a better-placed host, or a smaller forwarded copy). */
  readonly redundant: number;
}

export interface AggregatedInterval {
  /** Position on the interval grid, from 0 at the first report. */
  readonly index: number;
  readonly startMs: number;
  readonly intervalMs: number;
  /** The global matrix over every VM known at closing time. */
  readonly matrix: DenseTrafficMatrix;
  /** Hosts whose report was used (empty for a global report). */
  readonly reporters: HostId[];
  /** Hosts home to a VM that did not report. */
  readonly missing: HostId[];
  /** Whether a global (host-less) report supplied the matrix. */
  readonly global: boolean;
  readonly cells: CellSources;
}

export interface AggregatorStats {
  reports: number;
  accepted: number;
  late: number;
  duplicate: number;
  misaligned: number;
  superseded: number;
  /** Host reports expected but absent, summed over intervals. */
  missingReports: number;
  intervals: number;
}

interface Pending {
  readonly global: TrafficEvent[];
  readonly byHost: Map<HostId, TrafficEvent>;
}

/** The streaming aggregator. Pure: feed events in arrival order; read closed intervals. */
export class TrafficAggregator {
  private readonly intervalMs: number;
  private readonly graceMs: number;
  private readonly macs: Mac[] = [];
  private readonly pos = new Map<Mac, number>();
  private readonly home = new Map<Mac, HostId | undefined>();
  private origin: number | null = null;
  /** Next interval index to close. */
  private next = 0;
  private lastIndex = -1;
  private readonly pending = new Map<number, Pending>();
  readonly stats: AggregatorStats = { reports: 0, accepted: 0, late: 0, duplicate: 0, misaligned: 0, superseded: 0, missingReports: 0, intervals: 0 };

  constructor(vms: ReadonlyArray<{ readonly mac: Mac; readonly host?: HostId | undefined }>, options: AggregatorOptions) {
    if (!(options.intervalMs > 0)) throw new RangeError("intervalMs must be positive");
    this.intervalMs = options.intervalMs;
    this.graceMs = options.graceMs ?? options.intervalMs;
    for (const v of vms) this.setVm(v.mac, v.host);
  }

  /** The VMs' MACs in matrix order (append-only: a VM keeps its position). */
  get vmMacs(): readonly Mac[] {
    return this.macs;
  }

  /** Declares a VM or its new home host (a trace `vm` event). */
  setVm(mac: Mac, host: HostId | undefined): void {
    if (!this.pos.has(mac)) {
      this.pos.set(mac, this.macs.length);
      this.macs.push(mac);
    }
    this.home.set(mac, host);
  }

  private position(mac: Mac): number {
    let p = this.pos.get(mac);
    if (p === undefined) {
      this.setVm(mac, undefined);
      p = this.macs.length - 1;
    }
    return p;
  }

  /** Accepts one report; returns the intervals its arrival time closes. */
  add(e: TrafficEvent): AggregatedInterval[] {
    this.stats.reports++;
    // The grid starts at the first report: with wall-clock (epoch) times, anchoring it at 0 would make the
    // aggregator close ~10^9 empty intervals before the first real one.
    if (this.origin === null) this.origin = e.startMs;
    const rel = (e.startMs - this.origin) / this.intervalMs;
    if (e.intervalMs !== this.intervalMs || !Number.isInteger(rel)) {
      this.stats.misaligned++;
      return this.advanceTo(e.tMs);
    }
    if (rel < this.next) {
      this.stats.late++;
      return this.advanceTo(e.tMs);
    }
    let p = this.pending.get(rel);
    if (p === undefined) {
      p = { global: [], byHost: new Map() };
      this.pending.set(rel, p);
    }
    if (e.host === undefined) {
      if (p.global.length > 0) this.stats.duplicate++;
      else {
        p.global.push(e);
        this.stats.accepted++;
      }
    } else if (p.byHost.has(e.host)) this.stats.duplicate++;
    else {
      p.byHost.set(e.host, e);
      this.stats.accepted++;
    }
    this.lastIndex = Math.max(this.lastIndex, rel);
    return this.advanceTo(e.tMs);
  }

  /** Moves the watermark to `tMs` (any event's time) and returns the intervals that closes. */
  advanceTo(tMs: number): AggregatedInterval[] {
    const out: AggregatedInterval[] = [];
    if (this.origin === null) return out;
    while (this.next <= this.lastIndex && tMs > this.origin + (this.next + 1) * this.intervalMs + this.graceMs) out.push(this.close(this.next++));
    return out;
  }

  /** Closes every interval still open (end of input). */
  flush(): AggregatedInterval[] {
    const out: AggregatedInterval[] = [];
    while (this.next <= this.lastIndex) out.push(this.close(this.next++));
    return out;
  }

  private close(index: number): AggregatedInterval {
    const p = this.pending.get(index);
    this.pending.delete(index);
    this.stats.intervals++;
    const startMs = (this.origin ?? 0) + index * this.intervalMs;
    const global = p !== undefined && p.global.length > 0;
    const used = p === undefined ? [] : global ? [p.global[0]!] : [...p.byHost.values()];
    // Pass 1: matrix positions of every cell (appending MACs not seen before), so the matrix size is known.
    const cellsOf = used.map((r) => {
      const entries = r.entries;
      const ij = new Int32Array(2 * entries.length);
      for (let k = 0; k < entries.length; k++) {
        const cell = entries[k]!;
        ij[2 * k] = this.position(cell[0]);
        ij[2 * k + 1] = this.position(cell[1]);
      }
      return ij;
    });
    const n = this.macs.length;
    const bytes = new Float64Array(n * n);
    const packets = new Float64Array(n * n);
    const matrix: DenseTrafficMatrix = { macs: [...this.macs], bytes, packets };
    let fromSource = 0;
    let fromDestination = 0;
    let fromOther = 0;
    let redundant = 0;
    if (global) {
      this.stats.superseded += p.byHost.size;
      const ij = cellsOf[0]!;
      used[0]!.entries.forEach(([, , b, k], e) => {
        const c = ij[2 * e]! * n + ij[2 * e + 1]!;
        if (bytes[c] === 0 && packets[c] === 0) fromOther++;
        bytes[c]! += b;
        packets[c]! += k;
      });
      return { index, startMs, intervalMs: this.intervalMs, matrix, reporters: [], missing: [], global: true, cells: { fromSource, fromDestination, fromOther, redundant } };
    }
    // Home hosts as small integers, for a fast per-cell rule.
    const hostNo = new Map<HostId, number>();
    const homeNo = new Int32Array(n).fill(-1);
    this.macs.forEach((mac, i) => {
      const h = this.home.get(mac);
      if (h === undefined) return;
      let k = hostNo.get(h);
      if (k === undefined) hostNo.set(h, (k = hostNo.size));
      homeNo[i] = k;
    });
    const reporters = p === undefined ? [] : [...p.byHost.keys()];
    const missing = [...hostNo.keys()].filter((h) => p === undefined || !p.byHost.has(h)).sort();
    this.stats.missingReports += missing.length;
    // rank[c]: 0 none yet, 1 from the src's home, 2 from the dst's home, 3 from another (forwarding) host.
    const rank = new Uint8Array(n * n);
    let owner: Int32Array | null = null;
    for (let r = 0; r < used.length; r++) {
      const report = used[r]!;
      const me = hostNo.get(report.host!) ?? -2 - r;
      const ij = cellsOf[r]!;
      const entries = report.entries;
      for (let e = 0; e < entries.length; e++) {
        const i = ij[2 * e]!;
        const j = ij[2 * e + 1]!;
        const c = i * n + j;
        const cell = entries[e]!;
        const b = cell[2];
        const k = cell[3];
        const mine = homeNo[i] === me ? 1 : homeNo[j] === me ? 2 : 3;
        const best = rank[c]!;
        if (best === 0 || mine < best) {
          if (best === 0) mine === 1 ? fromSource++ : mine === 2 ? fromDestination++ : fromOther++;
          else {
            redundant++;
            best === 3 ? fromOther-- : fromDestination--;
            mine === 1 ? fromSource++ : fromDestination++;
          }
          rank[c] = mine;
          bytes[c] = b;
          packets[c] = k;
          if (mine === 3) (owner ??= new Int32Array(n * n).fill(-1))[c] = r;
        } else if (mine === best && (mine !== 3 || owner![c] === r)) {
          // The same host repeating a cell: the report's cells add up.
          bytes[c]! += b;
          packets[c]! += k;
        } else if (mine === best) {
          // Two forwarding hosts: each saw the frames it carried; the larger count is the better estimate.
          redundant++;
          if (b > bytes[c]!) {
            bytes[c] = b;
            packets[c] = k;
            owner![c] = r;
          }
        } else redundant++;
      }
    }
    return { index, startMs, intervalMs: this.intervalMs, matrix, reporters, missing, global: false, cells: { fromSource, fromDestination, fromOther, redundant } };
  }
}
