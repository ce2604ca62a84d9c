/**
 * The aggregated traffic intervals of a trace, streamed: every traffic report goes through VTTIF's aggregator
 * (src/core/vttif/aggregate.ts), VMs appearing in `vm` events join it, and other events advance its clock.
 */
import type { Mac } from "../../core/model/ids.js";
import { TrafficAggregator, type AggregatedInterval, type AggregatorStats } from "../../core/vttif/aggregate.js";
import type { TraceReader } from "./reader.js";

export interface TraceIntervals {
  /** The VMs in matrix order (the order of the intervals' matrices), as ids where known, else MACs. */
  readonly vmIds: string[];
  readonly vmMacs: readonly Mac[];
  /** What the aggregator did with the reports (null: the trace has no traffic). */
  readonly stats: AggregatorStats | null;
}

/**
 * Reads an opened trace to its end, handing each closed interval to `onInterval` in time order (nothing is kept).
 * The aggregator's interval is the header's `intervalMs`, else the first report's.
 */
export async function forEachTraceInterval(
  reader: TraceReader,
  onInterval: (iv: AggregatedInterval) => void,
  opts: { readonly graceMs?: number } = {},
): Promise<TraceIntervals> {
  const header = reader.header;
  const idOf = new Map<Mac, string>(header.vms.map((v) => [v.mac, v.id]));
  let agg: TrafficAggregator | null = null;
  const later: Array<{ mac: Mac; host: (typeof header.vms)[number]["host"] }> = [];
  const take = (ivs: readonly AggregatedInterval[]): void => {
    for (const iv of ivs) onInterval(iv);
  };
  for await (const batch of reader.batches()) {
    for (const e of batch) {
      if (e.type === "vm") {
        if (!idOf.has(e.vm.mac)) idOf.set(e.vm.mac, e.vm.id);
        if (agg === null) later.push({ mac: e.vm.mac, host: e.vm.host });
        else agg.setVm(e.vm.mac, e.vm.host);
      } else if (e.type === "traffic") {
        if (agg === null) {
          agg = new TrafficAggregator(header.vms, { intervalMs: header.intervalMs ?? e.intervalMs, ...(opts.graceMs !== undefined ? { graceMs: opts.graceMs } : {}) });
          for (const v of later) agg.setVm(v.mac, v.host);
        }
        take(agg.add(e));
      } else if (agg !== null) take(agg.advanceTo(e.tMs));
    }
  }
  if (agg !== null) take(agg.flush());
  const vmMacs = agg?.vmMacs ?? [];
  return { vmMacs, vmIds: vmMacs.map((m) => idOf.get(m) ?? m), stats: agg?.stats ?? null };
}
