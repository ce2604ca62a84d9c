/**
 * Overlay overhead (issue 7). Two hosts, four VMs: a (h0) and b (h1) talk over the overlay (bridge + VXLAN +
 * vadapt's nftables, hooked at port ingress only while a host has pair rules or sniffs); c (h0) and d (h1) are the
 * same kind of namespaces wired "without the overlay": their ports sit on a plain bridge in each host, and these
 * bridges are joined through a bridge in the site router: the same hops as the overlay's, bridged end to end
 * instead of tunnelled, with no nftables chain. Also for reference the two host namespaces over the underlay.
 * Measures one TCP stream (iperf3 when installed, else vadapt's Node sender) over the overlay as the driver leaves
 * it with no pair rule and sniffing off (nothing hooked: the VXLAN tunnel alone), with pair rules on both hosts
 * (for other pairs: the `fwd` map lookup on every frame) and with the kernel sniffer on, and the time to read the
 * counters. Goals: overlay >= 90% of native, sniffing costs < 5%.
 *
 * The machine is shared, so configurations run interleaved, ROUNDS times, and ratios are taken within a round
 * (adjacent runs) before the median. Needs root; prints why and exits 0 when it cannot run.
 */
import { spawn } from "node:child_process";
import { ipBatch, linuxOverlayUnavailable, missingTools, runIn } from "../src/adapters/linux/exec.js";
import { nodeScriptArgv } from "../src/adapters/linux/node-script.js";
import { LinuxOverlay } from "../src/adapters/linux/overlay-driver.js";
import { PairSniffer } from "../src/adapters/linux/sniffer.js";
import { testbedDown, testbedUp } from "../src/adapters/linux/testbed.js";
import { Mac } from "../src/core/model/ids.js";
import { TestbedSpec } from "../src/core/testbed/spec.js";
import { parseConfig } from "../src/core/validate.js";

const why = linuxOverlayUnavailable();
if (why !== null) {
  process.stdout.write(`overlay bench skipped: the Linux overlay ${why}\n`);
  process.exit(0);
}

const ROUNDS = 15;
const SECONDS = 2;
const NAME = `ob${process.pid}`;
const HAVE_IPERF = missingTools(["iperf3"]).length === 0;

const spec = parseConfig(
  TestbedSpec,
  {
    name: NAME,
    hosts: [{ id: "h0" }, { id: "h1" }],
    vms: [
      { id: "a", host: "h0" },
      { id: "b", host: "h1" },
      { id: "c", host: "h0" },
      { id: "d", host: "h1" },
    ],
  },
  "overlay bench spec",
);

const median = (xs: number[]): number => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)] ?? NaN;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** TCP throughput from namespace `from` to `toIp` (server in namespace `to`), Mbit/s. */
async function tcpMbps(from: string, to: string, toIp: string, port: number): Promise<number> {
  if (HAVE_IPERF) {
    await runIn(to, ["iperf3", "-s", "-1", "-D", "-B", toIp, "-p", String(port)]);
    await sleep(300);
    const out = await runIn(from, ["iperf3", "-c", toIp, "-p", String(port), "-t", String(SECONDS), "-J"], { timeoutMs: (SECONDS + 20) * 1000 });
    const j = JSON.parse(out) as { end: { sum_received: { bits_per_second: number } } };
    return j.end.sum_received.bits_per_second / 1e6;
  }
  const script = nodeScriptArgv(new URL("../src/workload/bulk.js", import.meta.url));
  const sink = spawn("ip", ["netns", "exec", to, ...script, "sink", "--port", String(port), "--bind", toIp], { stdio: ["ignore", "pipe", "inherit"] });
  let text = "";
  sink.stdout.on("data", (b: Buffer) => (text += b.toString("utf8")));
  for (let i = 0; i < 200 && !text.includes("listening"); i++) await sleep(50);
  await runIn(from, [...script, "source", "--to", toIp, "--port", String(port), "--seconds", String(SECONDS)], { timeoutMs: (SECONDS + 30) * 1000 });
  await new Promise((r) => sink.on("close", r));
  const last = text.trim().split("\n").at(-1) ?? "{}";
  return (JSON.parse(last) as { mbps: number }).mbps;
}

await testbedDown(NAME);
const layout = await testbedUp(spec);
try {
  const [h0, h1] = layout.hosts as [(typeof layout.hosts)[0], (typeof layout.hosts)[0]];
  const [a, b, c, d] = layout.vms as [(typeof layout.vms)[0], (typeof layout.vms)[0], (typeof layout.vms)[0], (typeof layout.vms)[0]];
  // c and d without the overlay: the same hops (VM veth, host bridge, veth to the site router's LAN, veth, host
  // bridge, VM veth) as a and b, but bridged end to end instead of tunnelled; the native configuration runs with
  // nothing hooked, so no nftables chain on their ports either.
  const site = layout.sites[0]!;
  await ipBatch(site.netns, ["link add nat type bridge", "link set nat up"]);
  for (const [h, vmPort, i] of [[h0, c.port, 0], [h1, d.port, 1]] as const) {
    await ipBatch(h.netns, [
      `link add nb type bridge`,
      `link set nb up`,
      `link set ${vmPort} nomaster`,
      `link set ${vmPort} master nb up`,
      `link add cab type veth peer name n${i} netns ${site.netns}`,
      "link set cab master nb up",
    ]);
    await ipBatch(site.netns, [`link set n${i} master nat up`]);
  }
  const overlay = new LinuxOverlay(layout);
  const netdevs = [h0, h1].map((h) => overlay.netdev(h));
  const sniffers = netdevs.map((n) => new PairSniffer(n));
  const setSniffing = async (on: boolean): Promise<void> => {
    for (const s of sniffers) await (on ? s.enable() : s.disable());
  };
  // Pair rules for pairs that are not this stream's (x → y on h0, y → x on h1): every frame is looked up in
  // `routes` and falls through to the bridge, as on a host that reroutes other pairs.
  const [x, y] = [Mac.parse("02:00:00:00:ff:01"), Mac.parse("02:00:00:00:ff:02")];
  const setRules = async (on: boolean): Promise<void> => {
    for (const [h, src, dst, next] of [[h0, x, y, h1], [h1, y, x, h0]] as const) {
      const a = overlay.host(h.id);
      await (on ? a.setRule({ src, dst, next: next.id }) : a.deleteRule(src, dst));
    }
  };
  await runIn(a.netns, ["ping", "-c", "2", "-i", "0.2", b.ip]);
  await runIn(c.netns, ["ping", "-c", "2", "-i", "0.2", d.ip]);
  for (const n of netdevs) {
    const hooked = (await n.hooks()).devices;
    if (hooked.length > 0) throw new Error(`${n.netns} hooks ${hooked.join(", ")} with no pair rule and sniffing off`);
  }

  const configs = [
    { label: "underlay (host namespaces, reference)", from: h0.netns, to: h1.netns, ip: h1.underlayIp, sniff: false, rules: false },
    { label: "native (VMs, same hops, bridged)", from: c.netns, to: d.netns, ip: d.ip, sniff: false, rules: false },
    { label: "overlay (no rule, not sniffing: VXLAN only)", from: a.netns, to: b.netns, ip: b.ip, sniff: false, rules: false },
    { label: "overlay + pair rules (fwd map hooked)", from: a.netns, to: b.netns, ip: b.ip, sniff: false, rules: true },
    { label: "overlay + sniffing", from: a.netns, to: b.netns, ip: b.ip, sniff: true, rules: false },
  ];
  const tcp = configs.map(() => [] as number[]);
  let port = 5300;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, cfg] of configs.entries()) {
      await setSniffing(cfg.sniff);
      await setRules(cfg.rules);
      tcp[i]!.push(await tcpMbps(cfg.from, cfg.to, cfg.ip, port++));
    }
  }
  await setSniffing(true);
  const readMs: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await sniffers[0]!.read();
    readMs.push(performance.now() - t0);
  }

  const tool = HAVE_IPERF ? "iperf3" : "Node sender";
  process.stdout.write(`overlay overhead: ${ROUNDS} interleaved rounds x ${SECONDS} s, one TCP stream (${tool})\n`);
  for (const [i, cfg] of configs.entries()) {
    process.stdout.write(`  ${cfg.label.padEnd(42)} median ${median(tcp[i]!).toFixed(0).padStart(6)} Mbit/s, best ${Math.max(...tcp[i]!).toFixed(0).padStart(6)}   rounds: ${tcp[i]!.map((x) => x.toFixed(0)).join(", ")}\n`);
  }
  const ratio = (x: number, y: number): number => median(tcp[x]!.map((v, r) => v / tcp[y]![r]!));
  process.stdout.write(`  overlay / native: median of per-round ratios ${(100 * ratio(2, 1)).toFixed(1)}% (goal >= 90%); of bests ${(100 * (Math.max(...tcp[2]!) / Math.max(...tcp[1]!))).toFixed(1)}%\n`);
  process.stdout.write(`  pair rules' hook (on hosts with rules): overlay with / without rules ${(100 * ratio(3, 2)).toFixed(1)}%; with rules / native ${(100 * ratio(3, 1)).toFixed(1)}%\n`);
  process.stdout.write(`  sniffing cost: median of per-round ratios ${(100 * (1 - ratio(4, 2))).toFixed(1)}% (goal < 5%); of bests ${(100 * (1 - Math.max(...tcp[4]!) / Math.max(...tcp[2]!))).toFixed(1)}%\n`);
  process.stdout.write(`  reading the sniffer's counters (nft -j list set + parse): median ${median(readMs).toFixed(1)} ms per read\n`);
} finally {
  await testbedDown(NAME);
}
