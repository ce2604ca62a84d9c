/**
 * The overlay a testbed is, as the optimizer sees it (the `--world` of `vadapt serve`): its hosts with the
 * capacities the spec gives them, its VMs with their MACs and home hosts, and a possible overlay link between
 * every pair of hosts with the nominal bandwidth and one-way latency of the path under it: the shaped WAN link
 * between two sites (its rate and delay), or the unshaped underlay within a site. Links are active where the
 * testbed's initial overlay builds them (`mesh`: all). The agents' link probes replace the nominal latencies with
 * measured ones as they arrive. Pure.
 */
import type { HostInput, OverlayLinkInput, VmInput } from "../model/network.js";
import { layoutOf, wanBetween } from "./layout.js";
import type { TestbedSpec } from "./spec.js";

/** Nominal bandwidth of an unshaped path (veths in software; measured at 10-20 Gbit/s on the development machine), Mbit/s. */
export const UNSHAPED_MBPS = 10_000;
/** Nominal one-way latency of an unshaped path, ms. */
export const UNSHAPED_LATENCY_MS = 0.1;

export interface TestbedWorld {
  readonly name: string;
  readonly hosts: HostInput[];
  readonly vms: VmInput[];
  readonly links: OverlayLinkInput[];
}

export function worldOfTestbed(spec: TestbedSpec): TestbedWorld {
  const layout = layoutOf(spec);
  const hosts: HostInput[] = spec.hosts.map((h) => ({ id: h.id, cpu: h.cpu, memMB: h.memMB, localMbps: UNSHAPED_MBPS, site: h.site }));
  const vms: VmInput[] = spec.vms.map((v, i) => ({ id: v.id, mac: layout.vms[i]!.mac, host: v.host, cpu: v.cpu, memMB: v.memMB }));
  const links: OverlayLinkInput[] = [];
  for (const a of layout.hosts) {
    for (const b of layout.hosts) {
      if (a.id === b.id) continue;
      const w = a.site === b.site ? undefined : wanBetween(layout, a.site, b.site);
      links.push({
        from: a.id,
        to: b.id,
        mbps: w?.mbps ?? UNSHAPED_MBPS,
        latencyMs: w !== undefined && w.delayMs > 0 ? w.delayMs : UNSHAPED_LATENCY_MS,
        active: spec.overlay === "mesh",
      });
    }
  }
  return { name: spec.name, hosts, vms, links };
}
