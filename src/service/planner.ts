/**
 * The what-if planner: replays a trace through the very loop the service runs, with a virtual clock (the trace's
 * timestamps) and an in-process bus to simulated agents instead of NATS, and reports what it would have done and
 * the predicted effect. Plans are applied to the simulated overlay at the moment they are made.
 */
import { MemoryBus } from "../adapters/bus/memory.js";
import { openTrace, type TraceReadOptions } from "../adapters/trace/reader.js";
import { Agent } from "../agent/agent.js";
import { SimWorld } from "../agent/sim.js";
import type { LoopStep } from "../core/loop/loop.js";
import type { HostId, VmId } from "../core/model/ids.js";
import type { TraceHeader } from "../core/trace/events.js";
import type { Classification } from "../core/vttif/classify.js";
import { VirtualClock } from "./clock.js";
import type { ServiceConfig } from "./config.js";
import { LoopDriver, type PlanRecord } from "./driver.js";
import { createLoop, worldOfHeader } from "./optimizer.js";

export interface DecisionRecord {
  readonly tMs: number;
  readonly trigger: string;
  readonly act: boolean;
  readonly reason: string;
  readonly planId: string | null;
  readonly topology: { readonly class: Classification["class"]; readonly confidence: number } | null;
}

export interface WhatIfReport {
  readonly trace: string;
  readonly name: string | undefined;
  readonly hosts: number;
  readonly vms: number;
  readonly intervals: number;
  readonly events: number;
  readonly badLines: number;
  readonly decisions: DecisionRecord[];
  readonly plans: PlanRecord[];
  readonly initialPlacement: Record<string, HostId>;
  readonly finalPlacement: Record<string, HostId>;
  readonly changes: number;
}

export interface WhatIfOptions {
  readonly config: ServiceConfig;
  readonly read?: TraceReadOptions;
  /** Called after each batch of events with the trace bytes read so far. */
  readonly onProgress?: (bytesRead: number, events: number) => void;
}

export async function runWhatIf(tracePath: string, opts: WhatIfOptions): Promise<WhatIfReport> {
  const reader = await openTrace(tracePath, opts.read ?? {});
  const header: TraceHeader = reader.header;
  const config = { ...opts.config, intervalMs: header.intervalMs ?? opts.config.intervalMs };
  const world = worldOfHeader(header);
  const clock = new VirtualClock(0);
  const bus = new MemoryBus(clock);
  const sim = new SimWorld({ hosts: world.hosts, vms: world.vms, links: world.links, state: world.state, demands: [] });
  for (const h of header.hosts) {
    new Agent({ bus, overlay: config.overlay, host: h.id, sources: sim.sources(h.id), actuator: sim.actuator(h.id), now: () => clock.now() }).start();
  }
  const loop = createLoop(config, world);
  const macs = new Map(header.vms.map((v) => [v.id as string, v.mac as string]));
  const decisions: DecisionRecord[] = [];
  let intervals = 0;
  const onStep = (s: LoopStep): void => {
    if (s.kind === "interval") {
      intervals++;
      return;
    }
    decisions.push({
      tMs: s.nowMs,
      trigger: s.trigger,
      act: s.decision.act,
      reason: s.decision.reason,
      planId: s.decision.act ? s.decision.plan.id : null,
      topology: s.topology === null ? null : { class: s.topology.class, confidence: s.topology.confidence },
    });
  };
  const driver = new LoopDriver({ loop, bus, clock, config, macOf: (vm) => macs.get(vm), onStep });
  let lastT = 0;
  for await (const batch of reader.batches()) {
    for (const e of batch) {
      clock.advanceTo(e.tMs);
      lastT = e.tMs;
      driver.ingest(e);
      await driver.tick(e.tMs);
    }
    opts.onProgress?.(reader.stats.bytes, reader.stats.events);
  }
  await driver.finish(lastT);
  await bus.close();
  const placementOf = (m: ReadonlyMap<VmId, HostId>): Record<string, HostId> => Object.fromEntries([...m].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  return {
    trace: tracePath,
    name: header.name,
    hosts: header.hosts.length,
    vms: header.vms.length,
    intervals,
    events: reader.stats.events,
    badLines: reader.stats.badLines,
    decisions,
    plans: driver.records,
    initialPlacement: placementOf(world.state.placement),
    finalPlacement: placementOf(loop.state.placement),
    changes: loop.counters.changes,
  };
}
