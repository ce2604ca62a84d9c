/**
 * Extracts one time series (and optional same-time input series) from a trace, for prediction: a host's or VM's
 * load measure, a link's bandwidth/latency/loss, or a MAC pair's traffic per reporting interval. Pure: feed
 * events, read the result.
 */
import { ConfigError } from "../errors.js";
import type { HostId, Mac, VmId } from "../model/ids.js";
import type { TraceEvent, TraceHeader } from "./events.js";

/** Measures of a load event (host or VM). */
export const LOAD_FIELDS = ["cpuPct", "memPct", "netInMbps", "netOutMbps", "loadAvg"] as const;
export type LoadField = (typeof LOAD_FIELDS)[number];
/** Measures of a link event. */
export const LINK_FIELDS = ["mbps", "latencyMs", "lossPct"] as const;
export type LinkField = (typeof LINK_FIELDS)[number];
/** Measures of a MAC pair's traffic per interval (`mbps` = bytes × 8 / interval). */
export const PAIR_FIELDS = ["bytes", "packets", "mbps"] as const;
export type PairField = (typeof PAIR_FIELDS)[number];

/** Which series of a trace: the subject and its measure(s). */
export type SeriesSelection =
  | { readonly kind: "host"; readonly host: string; readonly field: LoadField; readonly inputs: readonly LoadField[] }
  | { readonly kind: "vm"; readonly vm: string; readonly field: LoadField; readonly inputs: readonly LoadField[] }
  | { readonly kind: "link"; readonly from: string; readonly to: string; readonly field: LinkField; readonly inputs: readonly LinkField[] }
  | { readonly kind: "pair"; readonly src: string; readonly dst: string; readonly field: PairField; readonly inputs: readonly PairField[] };

/** An extracted series: one value (and one value per input) per sample time. */
export interface ExtractedSeries {
  readonly tMs: Float64Array;
  readonly values: Float64Array;
  readonly inputs: readonly Float64Array[];
  /** Events of the subject lacking the measure or an input measure (skipped). */
  readonly incomplete: number;
}

/** Human-readable name of a selection, e.g. `host h1 cpuPct`. */
export function describeSelection(s: SeriesSelection): string {
  switch (s.kind) {
    case "host":
      return `host ${s.host} ${s.field}`;
    case "vm":
      return `vm ${s.vm} ${s.field}`;
    case "link":
      return `link ${s.from}->${s.to} ${s.field}`;
    case "pair":
      return `pair ${s.src}->${s.dst} ${s.field}`;
  }
}

/** Accumulates the selected series event by event. */
export class SeriesExtractor {
  private readonly sel: SeriesSelection;
  private readonly times: number[] = [];
  private readonly values: number[] = [];
  private readonly ins: number[][];
  private incomplete = 0;
  /** Pair series: the MACs, each MAC's home host, and per-interval traffic. */
  private readonly src: Mac | undefined;
  private readonly dst: Mac | undefined;
  private readonly homeOf = new Map<Mac, HostId | undefined>();
  private readonly vmMac = new Map<VmId, Mac>();
  private readonly intervals = new Map<number, { intervalMs: number; bytes: number; packets: number }>();

  constructor(header: TraceHeader, selection: SeriesSelection) {
    this.sel = selection;
    this.ins = selection.inputs.map(() => []);
    const problems: string[] = [];
    for (const v of header.vms) {
      this.homeOf.set(v.mac, v.host);
      this.vmMac.set(v.id, v.mac);
    }
    switch (selection.kind) {
      case "host":
        if (!header.hosts.some((h) => h.id === selection.host)) problems.push(`unknown host '${selection.host}' (hosts: ${header.hosts.map((h) => h.id).join(", ")})`);
        break;
      case "vm":
        if (!header.vms.some((v) => v.id === selection.vm)) problems.push(`unknown VM '${selection.vm}' in the header`);
        break;
      case "link":
        for (const h of [selection.from, selection.to]) if (!header.hosts.some((x) => x.id === h)) problems.push(`unknown host '${h}'`);
        break;
      case "pair":
        break;
    }
    if (problems.length > 0) throw new ConfigError("series selection", problems);
    if (selection.kind === "pair") {
      this.src = this.resolveMac(selection.src);
      this.dst = this.resolveMac(selection.dst);
    }
  }

  /** A VM id declared in the header, or a MAC. */
  private resolveMac(s: string): Mac {
    const byVm = this.vmMac.get(s as VmId);
    if (byVm !== undefined) return byVm;
    const mac = s.toLowerCase().replaceAll("-", ":");
    if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac)) throw new ConfigError("series selection", [`'${s}' is neither a VM id of the trace header nor a MAC address`]);
    return mac as Mac;
  }

  add(e: TraceEvent): void {
    const sel = this.sel;
    switch (e.type) {
      case "vm":
        this.homeOf.set(e.vm.mac, e.vm.host);
        this.vmMac.set(e.vm.id, e.vm.mac);
        return;
      case "load": {
        if (!((sel.kind === "host" && e.host === sel.host) || (sel.kind === "vm" && e.vm === sel.vm))) return;
        this.push(e.tMs, e[sel.field], sel.inputs.map((f) => e[f as LoadField]));
        return;
      }
      case "link": {
        if (sel.kind !== "link" || e.from !== sel.from || e.to !== sel.to) return;
        this.push(e.tMs, e[sel.field], sel.inputs.map((f) => e[f as LinkField]));
        return;
      }
      case "traffic": {
        if (sel.kind !== "pair") return;
        let slot = this.intervals.get(e.startMs);
        if (slot === undefined) {
          slot = { intervalMs: e.intervalMs, bytes: 0, packets: 0 };
          this.intervals.set(e.startMs, slot);
        }
        for (const [s, d, bytes, packets] of e.entries) {
          if (s !== this.src || d !== this.dst) continue;
          // An inter-host frame is reported by both daemons: count the sender's home host's report (or a global one).
          if (e.host !== undefined) {
            const home = this.homeOf.get(s);
            if (home !== undefined && home !== e.host) continue;
          }
          slot.bytes += bytes;
          slot.packets += packets;
        }
        return;
      }
      case "truth":
        return;
    }
  }

  private push(tMs: number, value: number | undefined, inputs: ReadonlyArray<number | undefined>): void {
    if (value === undefined || inputs.some((v) => v === undefined)) {
      this.incomplete++;
      return;
    }
    this.times.push(tMs);
    this.values.push(value);
    inputs.forEach((v, m) => this.ins[m]!.push(v!));
  }

  result(): ExtractedSeries {
    if (this.sel.kind === "pair") {
      const starts = [...this.intervals.keys()].sort((a, b) => a - b);
      const measure = (slot: { intervalMs: number; bytes: number; packets: number }, f: PairField): number =>
        f === "bytes" ? slot.bytes : f === "packets" ? slot.packets : (slot.bytes * 8) / (slot.intervalMs * 1000);
      const sel = this.sel;
      return {
        tMs: Float64Array.from(starts),
        values: Float64Array.from(starts, (s) => measure(this.intervals.get(s)!, sel.field)),
        inputs: sel.inputs.map((f) => Float64Array.from(starts, (s) => measure(this.intervals.get(s)!, f))),
        incomplete: 0,
      };
    }
    return { tMs: Float64Array.from(this.times), values: Float64Array.from(this.values), inputs: this.ins.map((a) => Float64Array.from(a)), incomplete: this.incomplete };
  }
}
