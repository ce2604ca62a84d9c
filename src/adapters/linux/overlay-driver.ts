/**
 * The Linux overlay driver: VNET's data plane (Sundararaj & Dinda's VNET; VNET/P put it in the kernel) built from
 * kernel parts, for the hosts and VMs of a testbed layout (network namespaces):
 *
 * - a host is a namespace with a Linux bridge `br0`; a VM is a namespace whose `eth0` is one end of a veth pair,
 *   the other end (`vm<i>`, the VM's port) sitting on its current host's bridge;
 * - an overlay link from host h to g is a unicast VXLAN device `vx<g>` in h (explicit remote, learning off, no
 *   unknown-unicast flooding) on h's bridge. VXLAN devices are symmetric, so a link needs a device at both ends:
 *   the device's alias says whether h sends over it (`send`) or only receives (`receive`, when only g→h is a link);
 * - per-pair forwarding rules are elements of the nftables map `routes` (`fwd to` at port ingress, hooked only
 *   while a host has a rule or sniffs, see host-nft.ts); per-destination defaults are static bridge FDB entries (a VM's own port on its host, the link
 *   towards its host elsewhere);
 * - a migration moves the VM's port from the source host's namespace to the destination's and attaches it there:
 *   the VM's namespace, address, MAC and sockets are untouched, so open TCP connections survive the gap.
 *
 * One {@link LinuxOverlay} controls all hosts of a layout (the testbed runs on one machine); `host(id)` gives the
 * {@link OverlayActuator} an agent of that host uses.
 */
import { spawn } from "node:child_process";
import { ExternalError } from "../../core/errors.js";
import type { HostId, Mac, VmId } from "../../core/model/ids.js";
import { hostById, OVERLAY_MTU, tunnelOf, vmById, type HostLayout, type TestbedLayout, type VmLayout } from "../../core/testbed/layout.js";
import type { ForwardingRule, HostOverlayState, MigrationOptions, MigrationReport, OverlayActuator } from "../overlay.js";
import { ChildJsonLines, num } from "./child-lines.js";
import { bridgeBatch, ipBatch, run } from "./exec.js";
import { HostNetdev } from "./host-nft.js";
import { FdbEntries, IpLinks, parseJsonOutput, type IpLink } from "./iproute-json.js";
import { nodeScriptArgv } from "./node-script.js";

/** The alias of a tunnel device this host sends over, and of one it only receives on. */
const SEND = "send";
const RECEIVE = "receive";

export class LinuxOverlay {
  private readonly bridgeMacs: ReadonlySet<string>;
  private readonly netdevs = new Map<HostId, HostNetdev>();

  constructor(readonly layout: TestbedLayout) {
    this.bridgeMacs = new Set(layout.hosts.map((h) => h.bridgeMac));
  }

  /** Host h's netdev table (pair rules, sniffing, port hooks). */
  netdev(h: HostLayout): HostNetdev {
    let n = this.netdevs.get(h.id);
    if (n === undefined) this.netdevs.set(h.id, (n = HostNetdev.of(this.layout, h)));
    return n;
  }

  /** The actuator an agent of host `id` uses. */
  host(id: HostId): OverlayActuator {
    const h = this.hostLayout(id);
    return {
      host: id,
      addLink: (to) => this.addLink(h, this.hostLayout(to)),
      removeLink: (to) => this.removeLink(h, this.hostLayout(to)),
      setRule: (rule) => this.setRule(h, rule),
      deleteRule: (src, dst) => this.deleteRule(h, src, dst),
      migrate: (vm, to, opts) => this.migrate(this.vmLayout(vm), h, this.hostLayout(to), opts ?? {}),
      state: () => this.state(h),
    };
  }

  hostLayout(id: HostId): HostLayout {
    const h = hostById(this.layout, id);
    if (h === undefined) throw new ExternalError("overlay", `unknown host '${id}'`);
    return h;
  }

  vmLayout(id: VmId): VmLayout {
    const v = vmById(this.layout, id);
    if (v === undefined) throw new ExternalError("overlay", `unknown VM '${id}'`);
    return v;
  }

  /** The devices of a host namespace, with details (`ip -d -j link show`). */
  async devices(h: HostLayout): Promise<IpLink[]> {
    const argv = ["ip", "-d", "-j", "-n", h.netns, "link", "show"];
    return parseJsonOutput(IpLinks, await run(argv), argv.join(" "));
  }

  /** Where each VM's port is now (VMs whose port is on no host are left out). */
  async locations(): Promise<Map<VmId, HostLayout>> {
    const out = new Map<VmId, HostLayout>();
    const byPort = new Map(this.layout.vms.map((v) => [v.port, v]));
    const all = await Promise.all(this.layout.hosts.map(async (h) => ({ h, devs: await this.devices(h) })));
    for (const { h, devs } of all) {
      for (const d of devs) {
        const v = byPort.get(d.ifname);
        if (v !== undefined) out.set(v.id, h);
      }
    }
    return out;
  }

  private vmsOn(devs: readonly IpLink[]): VmLayout[] {
    const ports = new Set(devs.map((d) => d.ifname));
    return this.layout.vms.filter((v) => ports.has(v.port));
  }

  /** Makes sure h has the tunnel device towards g, matching the layout; `send` also marks it as a link h→g. */
  private async ensureTunnel(h: HostLayout, g: HostLayout, mode: "send" | "keep", devs?: readonly IpLink[]): Promise<void> {
    const t = tunnelOf(h, g, this.layout);
    const cur = (devs ?? (await this.devices(h))).find((d) => d.ifname === t.dev);
    const info = cur?.linkinfo?.info_data;
    const matches =
      cur !== undefined &&
      cur.linkinfo?.info_kind === "vxlan" &&
      info?.id === t.vni &&
      info.remote === t.remote &&
      info.port === t.dstPort &&
      cur.master === h.bridge;
    if (matches) {
      if (mode === "send" && cur.ifalias !== SEND) await run(["ip", "-n", h.netns, "link", "set", "dev", t.dev, "alias", SEND]);
      return;
    }
    const alias = mode === "send" || cur?.ifalias === SEND ? SEND : RECEIVE;
    await ipBatch(h.netns, [
      ...(cur === undefined ? [] : [`link del dev ${t.dev}`]),
      `link add ${t.dev} mtu ${OVERLAY_MTU} type vxlan id ${t.vni} remote ${t.remote} local ${t.local} dstport ${t.dstPort} nolearning`,
      `link set dev ${t.dev} alias ${alias}`,
      // A relayed tunnel's datagrams go to a user-space socket (the WAN relay), which would get a GSO
      // super-packet as one huge datagram: segment before encapsulation instead.
      ...(t.relayed ? [`link set dev ${t.dev} gso_max_segs 1`] : []),
      `link set dev ${t.dev} master ${h.bridge} up`,
    ]);
    await bridgeBatch(h.netns, [`link set dev ${t.dev} learning off flood off`, `fdb replace ${g.bridgeMac} dev ${t.dev} master static`]);
    await this.netdev(h).change(() => ({})); // hooks the tunnel if h hooks its ports and the kernel hooks present devices only
  }

  private async addLink(h: HostLayout, g: HostLayout): Promise<void> {
    if (h.id === g.id) throw new ExternalError("overlay", `a link from ${h.id} to itself`);
    const gDevs = await this.devices(g);
    await this.ensureTunnel(h, g, "send");
    await this.ensureTunnel(g, h, "keep", gDevs);
    // Per-destination defaults at h for the VMs on g now go straight over the new link.
    const dev = tunnelOf(h, g, this.layout).dev;
    await bridgeBatch(
      h.netns,
      this.vmsOn(gDevs).map((v) => `fdb replace ${v.mac} dev ${dev} master static`),
    );
  }

  private async removeLink(h: HostLayout, g: HostLayout): Promise<void> {
    const [hDevs, gDevs] = await Promise.all([this.devices(h), this.devices(g)]);
    const hDev = tunnelOf(h, g, this.layout).dev;
    const gDev = tunnelOf(g, h, this.layout).dev;
    if (hDevs.every((d) => d.ifname !== hDev)) return;
    await this.deleteRulesVia(h, hDev);
    if (gDevs.find((d) => d.ifname === gDev)?.ifalias === SEND) {
      // g still sends to h: keep the device at h for receiving, but nothing at h may use it any more.
      await run(["ip", "-n", h.netns, "link", "set", "dev", hDev, "alias", RECEIVE]);
      const fdb = await this.fdb(h);
      await bridgeBatch(
        h.netns,
        fdb.filter((e) => e.ifname === hDev && !this.bridgeMacs.has(e.mac)).map((e) => `fdb del ${e.mac} dev ${hDev} master`),
      );
      return;
    }
    await run(["ip", "-n", h.netns, "link", "del", "dev", hDev]);
    if (gDevs.some((d) => d.ifname === gDev)) {
      await this.deleteRulesVia(g, gDev);
      await run(["ip", "-n", g.netns, "link", "del", "dev", gDev]);
    }
  }

  private async fdb(h: HostLayout): Promise<Array<{ mac: Mac; ifname: string; state: string | undefined }>> {
    const argv = ["bridge", "-j", "-n", h.netns, "fdb", "show", "br", h.bridge];
    const entries = parseJsonOutput(FdbEntries, await run(argv), argv.join(" "));
    return entries
      .filter((e) => e.master === h.bridge && e.state === "static" && (e.ifname.startsWith("vx") || e.ifname.startsWith("vm")))
      .map((e) => ({ mac: e.mac.toLowerCase() as Mac, ifname: e.ifname, state: e.state }));
  }

  private async deleteRulesVia(h: HostLayout, dev: string): Promise<void> {
    await this.netdev(h).change((routes) => ({ deleteRoutes: [...routes.values()].filter((r) => r.dev === dev) }));
  }

  private async setRule(h: HostLayout, rule: ForwardingRule): Promise<void> {
    if (rule.next === h.id) return this.deleteRule(h, rule.src, rule.dst);
    const g = this.hostLayout(rule.next);
    const dev = tunnelOf(h, g, this.layout).dev;
    const d = (await this.devices(h)).find((x) => x.ifname === dev);
    if (d?.ifalias !== SEND) throw new ExternalError("overlay", `${h.id}: no link to ${g.id} for the rule ${rule.src} → ${rule.dst}`);
    await this.netdev(h).change(() => ({ setRoutes: [{ src: rule.src, dst: rule.dst, dev }] }));
  }

  private async deleteRule(h: HostLayout, src: Mac, dst: Mac): Promise<void> {
    await this.netdev(h).change(() => ({ deleteRoutes: [{ src, dst }] }));
  }

  private hostOfDev(h: HostLayout, dev: string): HostId | undefined {
    if (!dev.startsWith("vx")) return undefined;
    const g = this.layout.hosts[Number(dev.slice(2))];
    return g !== undefined && g.id !== h.id ? g.id : undefined;
  }

  /** The hosts `h` has a link to, from a listing of its devices (tunnels marked for sending), sorted. */
  linksIn(h: HostLayout, devs: readonly IpLink[]): HostId[] {
    const links: HostId[] = [];
    for (const d of devs) {
      const g = this.hostOfDev(h, d.ifname);
      if (g !== undefined && d.ifalias === SEND) links.push(g);
    }
    return links.sort();
  }

  async state(h: HostLayout): Promise<HostOverlayState> {
    const [devs, routes, fdb] = await Promise.all([this.devices(h), this.netdev(h).routes(), this.fdb(h)]);
    const links = this.linksIn(h, devs);
    const rules: ForwardingRule[] = [];
    for (const r of routes.values()) {
      const next = this.hostOfDev(h, r.dev);
      if (next !== undefined) rules.push({ src: r.src, dst: r.dst, next });
    }
    const defaults: Array<{ mac: Mac; next: HostId }> = [];
    for (const e of fdb) {
      if (this.bridgeMacs.has(e.mac)) continue;
      const next = e.ifname.startsWith("vm") ? h.id : this.hostOfDev(h, e.ifname);
      if (next !== undefined) defaults.push({ mac: e.mac, next });
    }
    return { host: h.id, links, rules, defaults, vms: this.vmsOn(devs).map((v) => v.id) };
  }

  /**
   * Moves VM `v`'s port from host `from` to host `to`: optional pre-copy of `precopyMB` over the underlay, then
   * the switch: detach, move the veth end into `to`'s namespace, attach it to `to`'s bridge, and point the
   * default for the VM's MAC at `to` on `from` and on every host with a link to `to`.
   */
  async migrate(v: VmLayout, from: HostLayout, to: HostLayout, opts: MigrationOptions): Promise<MigrationReport> {
    const [fromDevs, toDevs] = await Promise.all([this.devices(from), this.devices(to)]);
    const here = fromDevs.some((d) => d.ifname === v.port);
    if (!here) {
      if (toDevs.some((d) => d.ifname === v.port)) return { vm: v.id, from: from.id, to: to.id, precopyBytes: 0, precopyMs: 0, switchMs: 0, moved: false };
      throw new ExternalError("overlay", `${from.id}: VM ${v.id} is not attached here`);
    }
    if (from.id === to.id) return { vm: v.id, from: from.id, to: to.id, precopyBytes: 0, precopyMs: 0, switchMs: 0, moved: false };
    const precopy = opts.precopyMB !== undefined && opts.precopyMB > 0 ? await bulkCopy(from, to, Math.round(opts.precopyMB * 1024 * 1024)) : { bytes: 0, ms: 0 };
    // Every host with a link to `to` will send to the VM straight there (as the VM's announcement after a
    // migration would teach a switch); the others keep their default, through `from`, which forwards to `to`.
    const sendsTo = (x: HostLayout, devs: readonly IpLink[]): boolean => devs.find((d) => d.ifname === tunnelOf(x, to, this.layout).dev)?.ifalias === SEND;
    const others = await Promise.all(
      this.layout.hosts.filter((x) => x.id !== from.id && x.id !== to.id).map(async (x) => ({ x, devs: await this.devices(x) })),
    );
    const redirect = [...(sendsTo(from, fromDevs) ? [from] : []), ...others.filter((o) => sendsTo(o.x, o.devs)).map((o) => o.x)];
    // The switch, as one shell pipeline (every name comes from the layout: letters, digits, '-', ':'): detach and
    // move the port, attach it on `to`, then point `from` and the others at `to`.
    const steps = [
      `ip -n ${from.netns} link set dev ${v.port} netns ${to.netns}`,
      `ip -n ${to.netns} link set dev ${v.port} master ${to.bridge} up`,
      `bridge -n ${to.netns} fdb replace ${v.mac} dev ${v.port} master static`,
      ...redirect.map((x) => `bridge -n ${x.netns} fdb replace ${v.mac} dev ${tunnelOf(x, to, this.layout).dev} master static`),
    ];
    const t0 = performance.now();
    await run(["sh", "-c", steps.join(" && ")]);
    const switchMs = performance.now() - t0;
    await this.netdev(to).change(() => ({})); // hooks the port if the kernel hooks present devices only
    return { vm: v.id, from: from.id, to: to.id, precopyBytes: precopy.bytes, precopyMs: precopy.ms, switchMs, moved: true };
  }
}

/**
 * Sends `bytes` from host `from` to host `to` over the underlay (TCP, the pre-copy of a migration) and returns
 * the bytes received and the transfer time measured by the receiver.
 */
export async function bulkCopy(from: HostLayout, to: HostLayout, bytes: number): Promise<{ bytes: number; ms: number }> {
  const script = nodeScriptArgv(new URL("../../workload/bulk.js", import.meta.url));
  // Generous bound: 1 Mbit/s plus start-up.
  const timeoutMs = 30_000 + (bytes * 8) / 1000;
  // Any free port: migrations to the same host may copy at the same time.
  const sink = spawn("ip", ["netns", "exec", to.netns, ...script, "sink", "--port", "0", "--bind", to.underlayIp], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    const out = new ChildJsonLines(sink, "pre-copy sink");
    const port = await out.waitFor((o) => num(o, "listening"), 30_000);
    await run(["ip", "netns", "exec", from.netns, ...script, "source", "--to", to.underlayIp, "--port", String(port), "--bytes", String(bytes)], { timeoutMs });
    return await out.waitFor((o) => {
      const b = num(o, "bytes");
      const ms = num(o, "ms");
      return b !== undefined && ms !== undefined ? { bytes: b, ms } : undefined;
    }, 30_000);
  } finally {
    if (sink.exitCode === null) sink.kill("SIGKILL");
  }
}
