/**
 * The emulated multi-site WAN testbed: builds a layout (src/core/testbed/layout.ts) out of network namespaces,
 * and tears it down again, also after a crash (everything it creates lives in namespaces named with its prefix,
 * and the only processes it starts run inside them).
 *
 * - site routers: a namespace per site with a LAN bridge for its hosts; site routers are joined pairwise by veth
 *   pairs shaped with `tc tbf` (rate) and route between the sites' subnets;
 * - delay and loss between sites: a UDP relay per site router for the tunnels that cross a delayed or lossy site
 *   pair (src/adapters/linux/wan-relay.ts; this is what netem would do, and works without it);
 * - hosts: a namespace per host with an underlay veth to its site's LAN, the overlay bridge, nftables tables;
 * - VMs: a namespace per VM whose `eth0` is paired with a port on its home host's bridge;
 * - the initial overlay (`mesh`): a link between every pair of hosts, defaults for every VM on every host.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExternalError } from "../../core/errors.js";
import type { HostId, VmId } from "../../core/model/ids.js";
import { layoutOf, relayRoutes, UNDERLAY_MTU, OVERLAY_MTU, OVERLAY_PREFIX_LEN, type SiteLayout, type TestbedLayout } from "../../core/testbed/layout.js";
import { testbedPrefix, type TestbedSpec } from "../../core/testbed/spec.js";
import type { HostOverlayState } from "../overlay.js";
import { bridgeBatch, ipBatch, linuxOverlayUnavailable, nftApply, run, runIn } from "./exec.js";
import { hostTablesScript } from "./host-nft.js";
import { addNetns, deleteNetns, listNetnsWithPrefix, netnsPids } from "./netns.js";
import { nodeScriptArgv } from "./node-script.js";
import { LinuxOverlay } from "./overlay-driver.js";

export interface TestbedOptions {
  /** Progress messages. */
  readonly log?: (line: string) => void;
}

/** Where a site's relay writes its output (outside the repository; removed by `down`). */
export function relayLogPath(name: string, site: SiteLayout): string {
  return join(tmpdir(), `vadapt-testbed-${name}-s${site.index}.log`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Ports the testbed's workloads listen on (the patterns benchmark's default 46000 and the tests' and benches'
 * 461xx-465xx). They lie inside Linux's ephemeral range (32768-60999), so they are reserved in every namespace:
 * otherwise an earlier run's outgoing connection, still closing on that port, makes the next listen fail with
 * EADDRINUSE.
 */
export const WORKLOAD_PORTS = "46000-46999";

/**
 * Turns off IPv6 (its neighbour discovery is noise in the traffic matrix), sets IPv4 forwarding, and keeps the
 * workload ports out of the ephemeral range.
 */
async function sysctls(netns: string, forward: boolean): Promise<void> {
  const lines = [
    "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6",
    "echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6",
    `echo ${forward ? 1 : 0} > /proc/sys/net/ipv4/ip_forward`,
    `echo ${WORKLOAD_PORTS} > /proc/sys/net/ipv4/ip_local_reserved_ports`,
  ];
  await runIn(netns, ["sh", "-c", lines.map((l) => `${l} 2>/dev/null`).join("; ") + "; true"]);
}

/** Runs `fn` over items with at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function startRelay(layout: TestbedLayout, site: SiteLayout): Promise<void> {
  const routes = relayRoutes(layout, site.id);
  if (routes.length === 0) return;
  const config = { bindIp: site.gatewayIp, seed: layout.seed + site.index, routes };
  const log = relayLogPath(layout.name, site);
  const fd = openSync(log, "w");
  try {
    const child = spawn("ip", ["netns", "exec", site.netns, ...nodeScriptArgv(new URL("./wan-relay.js", import.meta.url)), JSON.stringify(config)], {
      detached: true,
      stdio: ["ignore", fd, fd],
    });
    child.unref();
  } finally {
    closeSync(fd);
  }
  for (let waited = 0; waited < 20_000; waited += 100) {
    const text = readFileSync(log, "utf8");
    if (text.includes('"ready":true')) return;
    if (/wan-relay:|Error/.test(text)) throw new ExternalError("wan-relay", `${site.id}: ${text.trim()}`);
    await sleep(100);
  }
  throw new ExternalError("wan-relay", `${site.id}: not ready after 20 s (log: ${log})`);
}

/** Builds the testbed; on any failure removes what was built and rethrows. Returns its layout. */
export async function testbedUp(spec: TestbedSpec, opts: TestbedOptions = {}): Promise<TestbedLayout> {
  const why = linuxOverlayUnavailable();
  if (why !== null) throw new ExternalError("testbed", why);
  const layout = layoutOf(spec);
  const existing = await listNetnsWithPrefix(layout.prefix);
  if (existing.length > 0) {
    throw new ExternalError("testbed", `'${layout.name}' already exists (${existing.length} namespaces named ${layout.prefix}*); run \`vadapt testbed down\` first`);
  }
  const log = opts.log ?? (() => undefined);
  try {
    await build(layout, log);
  } catch (e) {
    log(`build failed, cleaning up: ${e instanceof Error ? e.message : String(e)}`);
    await testbedDown(layout.name);
    throw e;
  }
  return layout;
}

async function build(layout: TestbedLayout, log: (line: string) => void): Promise<void> {
  const t0 = performance.now();
  const all = [...layout.sites.map((s) => s.netns), ...layout.hosts.map((h) => h.netns), ...layout.vms.map((v) => v.netns)];
  for (const ns of all) await addNetns(ns);
  await eachLimited(all, 8, (ns) => sysctls(ns, layout.sites.some((s) => s.netns === ns)));
  log(`${all.length} namespaces`);

  for (const s of layout.sites) {
    await ipBatch(s.netns, ["link set lo up", `link add ${s.lan} type bridge`, `link set ${s.lan} up`, `addr add ${s.gatewayIp}/24 dev ${s.lan}`]);
  }
  for (const w of layout.wan) {
    const a = layout.sites.find((s) => s.id === w.a)!;
    const b = layout.sites.find((s) => s.id === w.b)!;
    await ipBatch(a.netns, [
      `link add ${w.devA} mtu ${UNDERLAY_MTU} type veth peer name ${w.devB} mtu ${UNDERLAY_MTU} netns ${b.netns}`,
      `addr add ${w.ipA}/30 dev ${w.devA}`,
      `link set ${w.devA} up`,
      `route add ${b.subnet} via ${w.ipB}`,
    ]);
    await ipBatch(b.netns, [`addr add ${w.ipB}/30 dev ${w.devB}`, `link set ${w.devB} up`, `route add ${a.subnet} via ${w.ipA}`]);
    if (w.mbps !== undefined) {
      // Token bucket: ~4 ms of tokens (at least 32 KiB) and up to 50 ms of queue.
      const burst = Math.max(32 * 1024, Math.round((w.mbps * 1e6) / 8 / 250));
      for (const [ns, dev] of [[a.netns, w.devA], [b.netns, w.devB]] as const) {
        await run(["tc", "-n", ns, "qdisc", "replace", "dev", dev, "root", "tbf", "rate", `${w.mbps}mbit`, "burst", String(burst), "latency", "50ms"]);
      }
    }
  }
  log(`${layout.sites.length} site routers, ${layout.wan.length} WAN links`);

  for (const h of layout.hosts) {
    const site = layout.sites[h.siteIndex]!;
    await ipBatch(h.netns, [
      "link set lo up",
      `link add ${h.underlayDev} mtu ${UNDERLAY_MTU} type veth peer name ${h.sitePort} mtu ${UNDERLAY_MTU} netns ${site.netns}`,
      `addr add ${h.underlayIp}/24 dev ${h.underlayDev}`,
      `link set ${h.underlayDev} up`,
      `route add default via ${h.gatewayIp}`,
      `link add ${h.bridge} address ${h.bridgeMac} mtu ${OVERLAY_MTU} type bridge`,
      `link set ${h.bridge} up`,
      `addr add ${h.endpointIp}/${OVERLAY_PREFIX_LEN} dev ${h.bridge}`,
    ]);
    await ipBatch(site.netns, [`link set ${h.sitePort} master ${site.lan} up`]);
    // Split horizon first: no tunnel may exist before it. Nothing is hooked at port ingress until the host has a
    // pair rule or sniffs (HostNetdev).
    await nftApply(h.netns, hostTablesScript());
  }
  log(`${layout.hosts.length} hosts`);

  for (const v of layout.vms) {
    const home = layout.hosts.find((h) => h.id === v.home)!;
    await ipBatch(v.netns, [
      "link set lo up",
      `link add ${v.dev} address ${v.mac} mtu ${OVERLAY_MTU} type veth peer name ${v.port} netns ${home.netns}`,
      `addr add ${v.ip}/${OVERLAY_PREFIX_LEN} dev ${v.dev}`,
      `link set ${v.dev} up`,
    ]);
    await ipBatch(home.netns, [`link set ${v.port} master ${home.bridge} up`]);
    await bridgeBatch(home.netns, [`fdb replace ${v.mac} dev ${v.port} master static`]);
  }
  log(`${layout.vms.length} VMs`);

  for (const s of layout.sites) await startRelay(layout, s);

  if (layout.overlay === "mesh") {
    const overlay = new LinuxOverlay(layout);
    for (const h of layout.hosts) {
      const a = overlay.host(h.id);
      for (const g of layout.hosts) if (g.id !== h.id) await a.addLink(g.id);
    }
    log(`overlay mesh: ${layout.hosts.length * (layout.hosts.length - 1)} links`);
  }
  log(`up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** Removes every namespace named with the testbed's prefix (stopping the processes in them) and its relay logs. */
export async function testbedDown(name: string): Promise<{ namespaces: string[] }> {
  const prefix = testbedPrefix(name);
  const namespaces = await listNetnsWithPrefix(prefix);
  // VMs and hosts first, site routers (and their relays) last.
  const order = [...namespaces].sort((a, b) => Number(a.startsWith(`${prefix}s`)) - Number(b.startsWith(`${prefix}s`)));
  for (const ns of order) await deleteNetns(ns);
  const stem = `vadapt-testbed-${name}-`;
  for (const f of readdirSync(tmpdir())) if (f.startsWith(stem) && f.endsWith(".log")) rmSync(join(tmpdir(), f), { force: true });
  return { namespaces };
}

export interface TestbedStatus {
  readonly name: string;
  /** Namespaces with the testbed's prefix. */
  readonly namespaces: readonly string[];
  /** Whether every namespace of the layout exists (and no other one with the prefix). */
  readonly complete: boolean;
  readonly hosts: ReadonlyArray<HostOverlayState & { readonly site: string }>;
  readonly placement: Readonly<Record<VmId, HostId>>;
  /** Processes running in the site routers (the relays) per site. */
  readonly relays: Readonly<Record<string, number>>;
}

/** What exists of a testbed; per-host overlay state when the layout is complete. */
export async function testbedStatus(spec: TestbedSpec): Promise<TestbedStatus> {
  const layout = layoutOf(spec);
  const namespaces = await listNetnsWithPrefix(layout.prefix);
  const expected = [...layout.sites.map((s) => s.netns), ...layout.hosts.map((h) => h.netns), ...layout.vms.map((v) => v.netns)].sort();
  const complete = expected.length === namespaces.length && expected.every((n, i) => namespaces[i] === n);
  if (!complete) return { name: layout.name, namespaces, complete, hosts: [], placement: {}, relays: {} };
  const overlay = new LinuxOverlay(layout);
  const hosts = await Promise.all(layout.hosts.map(async (h) => ({ ...(await overlay.host(h.id).state()), site: h.site })));
  const placement: Record<VmId, HostId> = {};
  for (const [vm, h] of await overlay.locations()) placement[vm] = h.id;
  const relays: Record<string, number> = {};
  for (const s of layout.sites) relays[s.id] = (await netnsPids(s.netns)).length;
  return { name: layout.name, namespaces, complete, hosts, placement, relays };
}
