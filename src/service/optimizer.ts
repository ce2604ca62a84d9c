/** Builds the adaptation loop and its solver from the configuration: shared by the service and the planner. */
import { lpSolvers } from "../adapters/lp/index.js";
import type { HostId, VmId } from "../core/model/ids.js";
import type { Instance, Solution } from "../core/model/problem.js";
import { linkKey } from "../core/plan/actions.js";
import { solvers } from "../core/solve/plugin.js";
import type { TraceHeader } from "../core/trace/events.js";
import { AdaptationLoop, type LoopConfig, type LoopWorld } from "../core/loop/loop.js";
import type { ServiceConfig } from "./config.js";

export function loopConfigOf(c: ServiceConfig): LoopConfig {
  return {
    overlay: c.overlay,
    intervalMs: c.intervalMs,
    graceMs: c.graceMs,
    smoothing: c.smoothing,
    change: c.change,
    warmupIntervals: c.warmupIntervals,
    periodicIntervals: c.periodicIntervals,
    policy: c.policy,
    timing: { ackTimeoutMs: c.apply.ackTimeoutMs, migrationTimeoutMs: c.apply.migrationTimeoutMs, retries: c.apply.retries },
    forecast: c.forecast.enabled ? c.forecast : null,
  };
}

/** The solver function the loop calls; `clock` (ms) only where a deadline is configured. */
export function solverOf(c: ServiceConfig, clock?: () => number): (instance: Instance) => Promise<Solution> {
  const plugin = solvers[c.solver.name]!;
  const lp = lpSolvers[c.solver.lp];
  return (instance) =>
    plugin.solve(instance, {
      seed: c.solver.seed,
      iterations: c.solver.iterations,
      ...(lp !== undefined ? { lp } : {}),
      ...(c.solver.deadlineMs !== undefined && clock !== undefined ? { deadlineMs: c.solver.deadlineMs, clock } : {}),
    });
}

/** The overlay as a trace header describes it: hosts, every link, VMs at their home hosts, no rules yet. */
export function worldOfHeader(h: TraceHeader): LoopWorld {
  return {
    hosts: h.hosts.map((x) => ({ id: x.id, cpu: x.cpu, memMB: x.memMB, localMbps: x.localMbps })),
    links: h.links.map((l) => ({ from: l.from, to: l.to, mbps: l.mbps, latencyMs: l.latencyMs, active: l.active })),
    vms: h.vms.map((v) => ({ id: v.id, mac: v.mac, cpu: v.cpu, memMB: v.memMB })),
    state: {
      placement: new Map(h.vms.filter((v) => v.host !== undefined).map((v) => [v.id, v.host!] as [VmId, HostId])),
      links: new Set(h.links.filter((l) => l.active).map((l) => linkKey(l.from, l.to))),
      rules: new Map(),
    },
  };
}

export function createLoop(c: ServiceConfig, world: LoopWorld, clock?: () => number): AdaptationLoop {
  return new AdaptationLoop(loopConfigOf(c), world, solverOf(c, clock));
}
