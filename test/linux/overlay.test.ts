/**
 * The Linux overlay driver on a real testbed (root): connectivity, links and pair rules changed idempotently,
 * ports hooked at ingress only while a host has pair rules or sniffs (under concurrent changes too), a migration
 * under a live TCP exchange and a ping, and a teardown that leaves nothing behind.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runIn } from "../../src/adapters/linux/exec.js";
import { hostPorts } from "../../src/adapters/linux/host-nft.js";
import { listNetnsWithPrefix } from "../../src/adapters/linux/netns.js";
import { LinuxOverlay } from "../../src/adapters/linux/overlay-driver.js";
import { connectivityGapMs, parsePingProbes, parsePingSummary } from "../../src/adapters/linux/proc.js";
import { relayLogPath, testbedDown, testbedUp, WORKLOAD_PORTS } from "../../src/adapters/linux/testbed.js";
import { PatternsRun } from "../../src/adapters/linux/workload.js";
import { ExternalError } from "../../src/core/errors.js";
import { hostId, vmId } from "../../src/core/model/ids.js";
import type { TestbedLayout } from "../../src/core/testbed/layout.js";
import { TestbedSpec } from "../../src/core/testbed/spec.js";
import { parseConfig } from "../../src/core/validate.js";
import { describeLinux, sweepStaleTestbeds, testbedName } from "../helpers/linux.js";

const NAME = testbedName("ov");
const DELAY_MS = 5;

const spec = parseConfig(
  TestbedSpec,
  {
    name: NAME,
    hosts: [
      { id: "h0", site: "east" },
      { id: "h1", site: "east" },
      { id: "h2", site: "west" },
    ],
    vms: [
      { id: "a", host: "h0" },
      { id: "b", host: "h0" },
      { id: "c", host: "h1", memMB: 4 },
      { id: "d", host: "h2" },
      { id: "e", host: "h2" },
    ],
    wan: [{ sites: ["east", "west"], mbps: 200, delayMs: DELAY_MS }],
  },
  "overlay test spec",
);

describeLinux("Linux overlay driver on a 3-host, 5-VM, 2-site testbed", () => {
  let layout: TestbedLayout;
  let overlay: LinuxOverlay;
  const vm = (id: string) => overlay.vmLayout(vmId(id));
  const host = (id: string) => overlay.host(hostId(id));
  const netdev = (id: string) => overlay.netdev(overlay.hostLayout(hostId(id)));

  /** Pings `to` from VM `from`: round-trip ms, or null when nothing came back. */
  async function ping(from: string, to: string, count = 2): Promise<number | null> {
    const out = await runIn(vm(from).netns, ["ping", "-q", "-n", "-c", String(count), "-i", "0.2", "-W", "1", vm(to).ip], { okCodes: [1], timeoutMs: 15_000 });
    return parsePingSummary(out).rttAvgMs;
  }

  beforeAll(async () => {
    await sweepStaleTestbeds("ov");
    await testbedDown(NAME);
    layout = await testbedUp(spec);
    overlay = new LinuxOverlay(layout);
  });

  afterAll(async () => {
    await testbedDown(NAME);
  });

  it("connects every VM to every other over the overlay, through the WAN relay across sites", async () => {
    const ids = layout.vms.map((v) => v.id as string);
    const rtts = await Promise.all(ids.flatMap((a) => ids.filter((b) => b !== a).map(async (b) => ({ a, b, rtt: await ping(a, b) }))));
    for (const r of rtts) expect(r.rtt, `${r.a} → ${r.b}`).not.toBeNull();
    const cross = rtts.filter((r) => vm(r.a).home !== "h2" && vm(r.b).home === "h2");
    for (const r of cross) expect(r.rtt!).toBeGreaterThanOrEqual(2 * DELAY_MS * 0.9);
    const local = rtts.filter((r) => vm(r.a).home !== "h2" && vm(r.b).home !== "h2");
    for (const r of local) expect(r.rtt!).toBeLessThan(DELAY_MS);
  });

  it("reports the mesh as each host's state", async () => {
    const s0 = await host("h0").state();
    expect(s0.links).toEqual(["h1", "h2"]);
    expect([...s0.vms].sort()).toEqual(["a", "b"]);
    expect(s0.rules).toEqual([]);
    const defaults = Object.fromEntries(s0.defaults.map((d) => [d.mac, d.next]));
    expect(defaults).toEqual({ [vm("a").mac]: "h0", [vm("b").mac]: "h0", [vm("c").mac]: "h1", [vm("d").mac]: "h2", [vm("e").mac]: "h2" });
  });

  it("keeps the workload ports out of every VM's ephemeral range", async () => {
    for (const v of layout.vms) {
      expect((await runIn(v.netns, ["cat", "/proc/sys/net/ipv4/ip_local_reserved_ports"])).trim(), v.id).toBe(WORKLOAD_PORTS);
    }
  });

  it("hooks a host's ports only while it has pair rules or sniffs, also under concurrent changes", async () => {
    const h0 = host("h0");
    const nd = netdev("h0");
    const ports = hostPorts(layout, overlay.hostLayout(hostId("h0"))).sort();
    const unhooked = { sniffing: false, routing: false, devices: [] };
    for (const h of ["h0", "h1", "h2"]) expect(await netdev(h).hooks(), h).toEqual(unhooked);

    // Eight rules set at once: one transaction adds the forwarding rule and the hooks, the others only elements.
    const macs = layout.vms.map((v) => v.mac);
    const pairs = macs.flatMap((src) => macs.filter((dst) => dst !== src).map((dst) => ({ src, dst }))).slice(0, 8);
    await Promise.all(pairs.map((p, i) => h0.setRule({ ...p, next: hostId(i % 2 === 0 ? "h1" : "h2") })));
    expect((await h0.state()).rules).toHaveLength(8);
    const on = await nd.hooks();
    expect({ ...on, devices: [...on.devices].sort() }).toEqual({ sniffing: false, routing: true, devices: ports });

    // All of them deleted while another is set, concurrently: the new one keeps its forwarding rule.
    const extra = { src: vm("e").mac, dst: vm("a").mac };
    await Promise.all([...pairs.map((p) => h0.deleteRule(p.src, p.dst)), h0.setRule({ ...extra, next: hostId("h2") })]);
    expect((await h0.state()).rules).toEqual([{ ...extra, next: "h2" }]);
    expect((await nd.hooks()).routing).toBe(true);

    // Sniffing keeps the ports hooked after the last rule; off again, nothing is hooked.
    await nd.setSniffing(true);
    expect(await nd.hooks()).toMatchObject({ sniffing: true, routing: true });
    await h0.deleteRule(extra.src, extra.dst);
    const sniffing = await nd.hooks();
    expect({ ...sniffing, devices: [...sniffing.devices].sort() }).toEqual({ sniffing: true, routing: false, devices: ports });
    await nd.setSniffing(false);
    expect(await nd.hooks()).toEqual(unhooked);
  });

  it("removes and re-adds a link, reroutes a pair over another host, idempotently", async () => {
    const h0 = host("h0");
    await h0.removeLink(hostId("h1"));
    await h0.removeLink(hostId("h1"));
    expect((await h0.state()).links).toEqual(["h2"]);
    expect((await host("h1").state()).links).toEqual(["h0", "h2"]); // h1 → h0 is still a link
    expect(await ping("a", "c", 1)).toBeNull(); // h0 has no way to c any more

    // A pair rule: a → c goes h0 → h2 → h1 (across the WAN and back), c → a still goes straight.
    await expect(h0.setRule({ src: vm("a").mac, dst: vm("c").mac, next: hostId("h1") })).rejects.toThrow(ExternalError);
    await h0.setRule({ src: vm("a").mac, dst: vm("c").mac, next: hostId("h2") });
    await h0.setRule({ src: vm("a").mac, dst: vm("c").mac, next: hostId("h2") });
    expect((await h0.state()).rules).toEqual([{ src: vm("a").mac, dst: vm("c").mac, next: "h2" }]);
    const detour = await ping("a", "c", 3);
    expect(detour).not.toBeNull();
    expect(detour!).toBeGreaterThanOrEqual(2 * DELAY_MS * 0.9);
    expect(await ping("b", "c", 1)).toBeNull(); // only the pair (a, c) has a rule

    await h0.addLink(hostId("h1"));
    await h0.addLink(hostId("h1"));
    expect((await h0.state()).links).toEqual(["h1", "h2"]);
    await h0.deleteRule(vm("a").mac, vm("c").mac);
    await h0.deleteRule(vm("a").mac, vm("c").mac);
    expect((await h0.state()).rules).toEqual([]);
    expect((await netdev("h0").hooks()).devices).toEqual([]);
    const direct = await ping("a", "c", 3);
    expect(direct).not.toBeNull();
    expect(direct!).toBeLessThan(DELAY_MS);
    expect(await ping("b", "c", 1)).not.toBeNull();
  });

  it("removing a link removes the rules that used it", async () => {
    const h1 = host("h1");
    await h1.setRule({ src: vm("c").mac, dst: vm("a").mac, next: hostId("h2") });
    expect((await netdev("h1").hooks()).routing).toBe(true);
    await h1.removeLink(hostId("h2"));
    expect((await h1.state()).rules).toEqual([]);
    expect((await netdev("h1").hooks()).devices).toEqual([]);
    await h1.addLink(hostId("h2"));
    expect((await h1.state()).links).toEqual(["h0", "h2"]);
  });

  it("migrates a VM across sites while a TCP exchange and a ping run: both survive, the gap is short", async () => {
    // A live TCP exchange between a (h0) and c (h1 → h2): the patterns benchmark, ring of two, until stopped.
    const run = await PatternsRun.start([vm("a"), vm("c")], { pattern: "ring", messageBytes: 20_000, port: 46_100 });
    run.go();
    const pinger = spawn("ip", ["netns", "exec", vm("a").netns, "ping", "-D", "-n", "-i", "0.01", "-w", "30", vm("c").ip], { stdio: ["ignore", "pipe", "ignore"] });
    let log = "";
    pinger.stdout.on("data", (b: Buffer) => (log += b.toString("utf8")));
    const pingDone = new Promise((r) => pinger.on("close", r));
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const before = run.iterations.length;
      expect(before).toBeGreaterThan(0);
      const t0 = Date.now();
      const report = await host("h1").migrate(vmId("c"), hostId("h2"), { precopyMB: 4 });
      const t1 = Date.now();
      expect(report).toMatchObject({ vm: "c", from: "h1", to: "h2", moved: true, precopyBytes: 4 * 1024 * 1024 });
      await new Promise((r) => setTimeout(r, 1000));
      run.stop();
      const results = await run.wait(20_000);
      const after = run.iterations.filter((r) => r.tMs > t1).length;
      expect(after).toBeGreaterThan(0); // the same TCP connections carried on after the switch
      expect(results.map((r) => r.iterations).every((n) => n > 0)).toBe(true);
      pinger.kill("SIGINT");
      await pingDone;
      const probes = parsePingProbes(log);
      const gap = connectivityGapMs(probes, t0 - 500, t1 + 1000);
      process.stdout.write(`migration c h1→h2: switch ${report.switchMs.toFixed(1)} ms, ping gap ${gap?.toFixed(1)} ms, pre-copy 4 MB in ${report.precopyMs.toFixed(0)} ms\n`);
      expect(gap).not.toBeNull();
      expect(gap!).toBeLessThan(1000);
      expect(probes.at(-1)!.rttMs).toBeGreaterThanOrEqual(2 * DELAY_MS * 0.9); // c is now across the WAN
    } finally {
      run.kill();
      pinger.kill();
    }
    expect([...(await host("h2").state()).vms].sort()).toEqual(["c", "d", "e"]);
    for (const h of ["h0", "h1", "h2"]) {
      const d = (await host(h).state()).defaults.find((x) => x.mac === vm("c").mac);
      expect(d?.next, h).toBe("h2");
    }
    expect((await host("h1").migrate(vmId("c"), hostId("h2"))).moved).toBe(false);
    expect(await ping("b", "c")).not.toBeNull();
    expect(await ping("d", "c")).not.toBeNull();
  });

  it("tears down completely: no namespace, device or relay process left", async () => {
    const { namespaces } = await testbedDown(NAME);
    expect(namespaces).toHaveLength(layout.sites.length + layout.hosts.length + layout.vms.length);
    expect(await listNetnsWithPrefix(layout.prefix)).toEqual([]);
    for (const s of layout.sites) expect(existsSync(relayLogPath(NAME, s))).toBe(false);
  });
});
