/**
 * Sniffing on a real 4-host, 8-VM, 2-site testbed (root): the per-pair matrix the hosts' kernels count matches
 * what the patterns benchmark sent (within 5%, beyond what TCP retransmitted), and the load and link measurements
 * are plausible.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LinuxOverlay } from "../../src/adapters/linux/overlay-driver.js";
import { testbedDown, testbedUp } from "../../src/adapters/linux/testbed.js";
import { LinuxTrafficSource } from "../../src/adapters/linux/traffic-source.js";
import { PatternsRun } from "../../src/adapters/linux/workload.js";
import type { TrafficEntry } from "../../src/core/model/traffic.js";
import type { BspPattern } from "../../src/core/synth/neighbours.js";
import type { TestbedLayout } from "../../src/core/testbed/layout.js";
import { TestbedSpec } from "../../src/core/testbed/spec.js";
import { parseConfig } from "../../src/core/validate.js";
import { describeLinux, sweepStaleTestbeds, testbedName } from "../helpers/linux.js";

const NAME = testbedName("sn");
const DELAY_MS = 10;
/** IPv4 (20) + TCP with the timestamps option (32) header bytes per packet; the kernel's counts exclude Ethernet. */
const TCP_IP_HEADER_BYTES = 52;
/** At most this many payload bytes per TCP segment (the VMs' MTU is at most 1500). */
const MAX_SEGMENT_BYTES = 1500;

/** TCP segments retransmitted so far in a network namespace (RetransSegs of its /proc/net/snmp). */
async function retransmittedSegments(netns: string): Promise<number> {
  const { stdout } = await promisify(execFile)("ip", ["netns", "exec", netns, "cat", "/proc/net/snmp"]);
  const [names, values] = stdout.split("\n").filter((l) => l.startsWith("Tcp:"));
  const column = names!.split(/\s+/).indexOf("RetransSegs");
  return Number(values!.split(/\s+/)[column]);
}

const spec = parseConfig(
  TestbedSpec,
  {
    name: NAME,
    hosts: [
      { id: "h0", site: "east" },
      { id: "h1", site: "east" },
      { id: "h2", site: "west" },
      { id: "h3", site: "west" },
    ],
    // Ring neighbours on different hosts, half of them across the WAN.
    vms: Array.from({ length: 8 }, (_, i) => ({ id: `vm${i}`, host: `h${[0, 2, 1, 3][i % 4]}` })),
    wan: [{ sites: ["east", "west"], mbps: 100, delayMs: DELAY_MS }],
  },
  "sniff test spec",
);

describeLinux("kernel sniffing on a 4-host, 8-VM, 2-site testbed", () => {
  let layout: TestbedLayout;
  let sources: LinuxTrafficSource[];

  beforeAll(async () => {
    await sweepStaleTestbeds("sn");
    await testbedDown(NAME);
    layout = await testbedUp(spec);
    const overlay = new LinuxOverlay(layout);
    sources = await Promise.all(layout.hosts.map((h) => LinuxTrafficSource.open(overlay, h.id)));
  });

  afterAll(async () => {
    await testbedDown(NAME);
  });

  /**
   * Runs the benchmark and compares, per VM pair, what the sender's host counted with the bytes the benchmark
   * sent. The kernel counts IP packets: every packet of the benchmark's connections carries 52 bytes of IPv4 and
   * TCP headers (with timestamps), and the pair's cell also holds the ACKs of the reverse direction. So the counted
   * TCP payload (bytes − 52 × packets) must match within 5%, and the raw bytes must lie between the payload and
   * the payload plus a bounded header overhead. Segments TCP retransmits (the WAN link is 100 Mbit/s with 10 ms of
   * delay) are on the wire and counted too: up to a full segment each on top, read from the sender's namespace.
   */
  async function compare(pattern: BspPattern, messageBytes: number, iterations: number): Promise<number> {
    for (const s of sources) await s.sniffer.reset();
    const before = await Promise.all(layout.vms.map((v) => retransmittedSegments(v.netns)));
    const run = await PatternsRun.start(layout.vms, { pattern, messageBytes, iterations, port: 46_200 });
    run.go();
    const results = await run.wait(40_000);
    const seen: TrafficEntry[][] = await Promise.all(sources.map((s) => s.readTraffic()));
    const after = await Promise.all(layout.vms.map((v) => retransmittedSegments(v.netns)));
    /** Payload bytes a VM may have sent twice: its retransmitted segments, each at most a full segment. */
    const resent = after.map((n, i) => (n - before[i]!) * MAX_SEGMENT_BYTES);
    let worst = 0;
    let worstRaw = 0;
    let pairs = 0;
    // Every rank ran every iteration, so every byte it counted as sent was also received.
    for (const r of results) expect(r.iterations, `rank ${r.rank}`).toBe(iterations);
    for (const r of results) {
      const src = layout.vms[r.rank]!;
      const home = layout.hosts.findIndex((h) => h.id === src.home);
      for (const [j, sent] of Object.entries(r.sentBytes)) {
        const dst = layout.vms[Number(j)]!;
        const cell = seen[home]!.find((e) => e.src === src.mac && e.dst === dst.mac) ?? { bytes: 0, packets: 0 };
        const payload = cell.bytes - TCP_IP_HEADER_BYTES * cell.packets;
        const extra = resent[r.rank]!;
        // below what was sent, or above it by more than the retransmissions can explain
        const err = Math.max(sent - payload, payload - sent - extra, 0) / sent;
        const what = `${pattern} ${src.id} → ${dst.id}: counted ${cell.bytes} B in ${cell.packets} packets, sent ${sent} B, ${extra / MAX_SEGMENT_BYTES} segments retransmitted by ${src.id}`;
        expect(err, what).toBeLessThan(0.05);
        expect(cell.bytes, what).toBeGreaterThanOrEqual(sent);
        expect(cell.bytes, what).toBeLessThan(sent * 1.1 + extra);
        worst = Math.max(worst, err);
        worstRaw = Math.max(worstRaw, cell.bytes / sent - 1);
        pairs++;
      }
    }
    // Nothing else of weight: every counted pair is a pair of the pattern (TCP ACKs ride the reverse pairs).
    const expected = new Set(results.flatMap((r) => Object.keys(r.sentBytes).map((j) => `${layout.vms[r.rank]!.mac}>${layout.vms[Number(j)]!.mac}`)));
    for (const [i, entries] of seen.entries()) {
      for (const e of entries) {
        if (!expected.has(`${e.src}>${e.dst}`)) expect(e.bytes, `host h${i}: unexpected pair ${e.src} → ${e.dst}`).toBeLessThan(2000);
      }
    }
    process.stdout.write(
      `sniffing ${pattern}: ${pairs} pairs, worst payload error beyond retransmissions ${(100 * worst).toFixed(2)}% (${resent.reduce((a, b) => a + b, 0) / MAX_SEGMENT_BYTES} segments retransmitted in all), worst raw-bytes overhead ${(100 * worstRaw).toFixed(2)}%\n`,
    );
    return worst;
  }

  it("counts the ring's traffic per MAC pair within 5%", async () => {
    expect(await compare("ring", 200_000, 8)).toBeLessThan(0.05);
  });

  it("counts all-to-all traffic per MAC pair within 5%", async () => {
    expect(await compare("all-to-all", 50_000, 5)).toBeLessThan(0.05);
  });

  it("measures host load and link latency", async () => {
    const s = sources[0]!;
    await s.readLoad();
    await new Promise((r) => setTimeout(r, 200));
    const load = await s.readLoad();
    expect(load.cpuPct).toBeGreaterThanOrEqual(0);
    expect(load.cpuPct).toBeLessThanOrEqual(100);
    expect(load.loadAvg).toBeGreaterThanOrEqual(0);
    expect(load.memPct).toBeGreaterThan(0);
    expect(load.netInMbps).toBeGreaterThanOrEqual(0);
    const links = await s.readLinks();
    expect(links.map((l) => l.to).sort()).toEqual(["h1", "h2", "h3"]);
    for (const l of links) {
      expect(l.lossPct, l.to).toBe(0);
      if (l.to === "h1") expect(l.latencyMs!).toBeLessThan(DELAY_MS / 2);
      else expect(l.latencyMs!).toBeGreaterThanOrEqual(DELAY_MS * 0.9);
    }
    const again = await s.readLinks();
    for (const l of again) expect(l.txMbps).toBeGreaterThanOrEqual(0);
  });
});
