/**
 * The emulated-WAN testbed spec (`vadapt testbed up <spec.json>`): hosts grouped in sites, VMs with home hosts,
 * and shaping of the site-to-site links. Everything the spec names is built inside network namespaces whose
 * names start with `va-<name>-`, so two testbeds with different names never collide and `down` can find the
 * leftovers of a crashed run by that prefix. See docs/overlay.md.
 */
import { z } from "zod";
import { HostId, Mac, VmId } from "../model/ids.js";

/** Most hosts a testbed may have (tunnel UDP ports and addresses are allocated per host pair below 20000). */
export const MAX_TESTBED_HOSTS = 100;
/** Most VMs a testbed may have (VM overlay addresses are 10.251.0.1 … 10.251.254.254). */
export const MAX_TESTBED_VMS = 4000;

const SiteName = z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, "a site name of 1-32 letters, digits, '_', '.', '-'");

/** One shaped site-to-site link (both directions get the same rate, one-way delay and loss). */
export const WanLinkSpec = z.object({
  sites: z.tuple([SiteName, SiteName]),
  /** Rate limit in each direction, Mbit/s (absent: unshaped). */
  mbps: z.number().positive().max(100_000).optional(),
  /** One-way delay added in each direction, ms (the RTT between the sites grows by twice this). */
  delayMs: z.number().min(0).max(10_000).default(0),
  /** Random loss in each direction, percent of overlay frames. */
  lossPct: z.number().min(0).max(100).default(0),
});
export type WanLinkSpec = z.infer<typeof WanLinkSpec>;

export const TestbedSpec = z
  .object({
    /** Short name; namespaces are called `va-<name>-…`. */
    name: z.string().regex(/^[a-z][a-z0-9]{0,11}$/, "1-12 lower-case letters and digits, starting with a letter"),
    hosts: z
      .array(
        z.object({
          id: HostId,
          site: SiteName.default("site0"),
          /** CPU capacity the optimizer is told (VMs' `cpu` add up against it; all VMs really share the machine's cores). */
          cpu: z.number().positive().max(1024).default(4),
          /** Memory capacity the optimizer is told, MB. */
          memMB: z.number().positive().max(1_048_576).default(16_384),
        }),
      )
      .min(1)
      .max(MAX_TESTBED_HOSTS),
    vms: z
      .array(
        z.object({
          id: VmId,
          /** Home host at `up`. */
          host: HostId,
          /** Defaults to 02:00:00:00:xx:xx by VM index. */
          mac: Mac.optional(),
          /** Memory size; a migration with pre-copy sends this many MB over the underlay. */
          memMB: z.number().int().nonnegative().max(65_536).default(64),
          /** CPU demand the optimizer is told (see the hosts' `cpu`). */
          cpu: z.number().nonnegative().max(1024).default(1),
        }),
      )
      .max(MAX_TESTBED_VMS)
      .default([]),
    wan: z.array(WanLinkSpec).default([]),
    /** Initial overlay: `mesh` (a tunnel between every pair of hosts and a forwarding entry for every VM on every host) or `none`. */
    overlay: z.enum(["mesh", "none"]).default("mesh"),
    /** Seed of the WAN emulator's random loss. */
    seed: z.number().int().default(1),
  })
  .superRefine((s, ctx) => {
    const dup = <T>(items: readonly T[], key: (t: T) => string, path: string, what: string): void => {
      const seen = new Set<string>();
      items.forEach((it, i) => {
        const k = key(it);
        if (seen.has(k)) ctx.addIssue({ code: "custom", path: [path, i], message: `duplicate ${what} '${k}'` });
        seen.add(k);
      });
    };
    dup(s.hosts, (h) => h.id, "hosts", "host id");
    dup(s.vms, (v) => v.id, "vms", "VM id");
    dup(s.vms.filter((v) => v.mac !== undefined), (v) => v.mac ?? "", "vms", "MAC");
    const hosts = new Set<string>(s.hosts.map((h) => h.id));
    s.vms.forEach((v, i) => {
      if (!hosts.has(v.host)) ctx.addIssue({ code: "custom", path: ["vms", i, "host"], message: `unknown host '${v.host}'` });
      if (v.mac !== undefined && (Number.parseInt(v.mac.slice(0, 2), 16) & 1) === 1) {
        ctx.addIssue({ code: "custom", path: ["vms", i, "mac"], message: "a VM needs a unicast MAC (first octet even)" });
      }
    });
    const sites = new Set(s.hosts.map((h) => h.site));
    const pairs = new Set<string>();
    s.wan.forEach((w, i) => {
      const [a, b] = w.sites;
      for (const [j, site] of [a, b].entries()) {
        if (!sites.has(site)) ctx.addIssue({ code: "custom", path: ["wan", i, "sites", j], message: `no host is in site '${site}'` });
      }
      if (a === b) ctx.addIssue({ code: "custom", path: ["wan", i, "sites"], message: "a WAN link joins two different sites" });
      const key = [a, b].sort().join("|");
      if (pairs.has(key)) ctx.addIssue({ code: "custom", path: ["wan", i, "sites"], message: `sites ${a} and ${b} are already linked` });
      pairs.add(key);
    });
  });
export type TestbedSpec = z.infer<typeof TestbedSpec>;
export type TestbedSpecInput = z.input<typeof TestbedSpec>;

/** The namespace-name prefix of a testbed: every namespace it creates starts with this. */
export function testbedPrefix(name: string): string {
  return `va-${name}-`;
}
