/**
 * How a CPU load trace (Bitbrains GWA-T-12 Rnd, Azure V1, PlanetLab, Alibaba 2018: per-VM or per-machine CPU use
 * in percent, one sample per 5 minutes) enters an adaptation instance. The instance is planned for one window of
 * `windowSamples` samples starting at `startSample` (drawn per seed unless fixed), and each series is reduced to
 * one number over that window: its peak (provisioning for the window, the default) or its mean.
 *
 * - VMs (`vms: true`): VM i is given series `(offset + i) mod S` (offset drawn per seed), and its cpu becomes
 *   `vmCpu × max(use, minVmCpuPct) / 100`: the VM's provisioned size times its use. Memory is unchanged.
 * - Hosts (`hosts: true`): host k is given series `(offset + V + k) mod S` (after the VMs' series, so that the two
 *   differ whenever there are enough series), taken as the share of the host used by other tenants; its cpu
 *   becomes `hostCpu × (1 − backgroundScale × use / 100)`, at least 0.
 *
 * The current placement (where the VMs run before adaptation) is left as generated: when the load makes a host
 * too small for the VMs on it, the solvers must move VMs, and migrations are counted from there.
 */
import type { Instance } from "../model/problem.js";
import type { Rng } from "../rng.js";
import type { TraceLoadSpec } from "./config.js";

/** What the load did to an instance (for the results). */
export interface LoadApplied {
  readonly startSample: number;
  /** Series index per VM and per host (empty when not applied). */
  readonly vmSeries: readonly number[];
  readonly hostSeries: readonly number[];
  /** Σ VM cpu and Σ host cpu after the load. */
  readonly vmCpu: number;
  readonly hostCpu: number;
}

/** A series' value over the window: its peak or mean (percent). */
export function windowValue(series: ArrayLike<number>, start: number, length: number, statistic: "peak" | "mean"): number {
  const end = Math.min(series.length, start + length);
  if (end <= start) return 0;
  let peak = 0;
  let sum = 0;
  for (let t = start; t < end; t++) {
    const v = series[t]!;
    if (v > peak) peak = v;
    sum += v;
  }
  return statistic === "peak" ? peak : sum / (end - start);
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Applies CPU load series (percent per sample) to an instance. `vmCpu` and `hostCpu` are the provisioned sizes
 * (the instance's values are replaced, not scaled twice). Throws a RangeError when there is no series.
 */
export function applyLoad(
  instance: Instance,
  series: readonly ArrayLike<number>[],
  spec: TraceLoadSpec,
  sizes: { readonly vmCpu: number; readonly hostCpu: (host: string) => number },
  rng: Rng,
): { instance: Instance; applied: LoadApplied } {
  const S = series.length;
  if (S === 0) throw new RangeError(`load '${spec.name}': no series`);
  const shortest = series.reduce((m, s) => Math.min(m, s.length), Infinity);
  const room = Math.max(1, shortest - spec.windowSamples + 1);
  const start = spec.startSample ?? rng.int(room);
  const offset = rng.int(S);
  const value = (k: number): number => windowValue(series[k % S]!, start, spec.windowSamples, spec.statistic);
  const vmSeries: number[] = [];
  const hostSeries: number[] = [];
  const vms = instance.vms.map((vm, i) => {
    if (!spec.vms) return vm;
    const k = (offset + i) % S;
    vmSeries.push(k);
    return { ...vm, cpu: round3((sizes.vmCpu * Math.max(value(k), spec.minVmCpuPct)) / 100) };
  });
  const V = instance.vms.length;
  const hosts = instance.hosts.map((h, i) => {
    if (!spec.hosts) return h;
    const k = (offset + V + i) % S;
    hostSeries.push(k);
    const share = Math.min(1, (spec.backgroundScale * value(k)) / 100);
    return { ...h, cpu: round3(Math.max(0, sizes.hostCpu(h.id) * (1 - share))) };
  });
  return {
    instance: { ...instance, vms, hosts },
    applied: {
      startSample: start,
      vmSeries,
      hostSeries,
      vmCpu: round3(vms.reduce((s, v) => s + v.cpu, 0)),
      hostCpu: round3(hosts.reduce((s, h) => s + h.cpu, 0)),
    },
  };
}
