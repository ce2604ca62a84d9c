/**
 * The experiment of issue 7, on the emulated WAN: the BSP patterns benchmark (ring, all-to-all) on 8 VMs, 4 hosts,
 * 2 sites joined by a 100 Mbit/s, 20 ms (one-way) WAN, started in a deliberately bad placement; after an
 * observation window the VMs are migrated to a better placement while the benchmark runs, and the iteration time
 * is measured before and after. Printed per scenario: iteration time before/after and the speed-up, time from
 * traffic start to the plan applied, each migration's pre-copy and switch time and its connectivity gap (a
 * continuous 10 ms ping from a VM that stays), and the sniffed traffic matrix the decision could use.
 *
 * The decision is the `decide` hook: today a hand-made target placement; the optimizer of issue 6 (VTTIF +
 * VADAPT over NATS) replaces it, fed with the same sniffed matrices. Needs root; prints why and exits 0 otherwise.
 *
 *   npm run bench -- testbed-experiment            (both scenarios; argument `ring` or `all-to-all` for one)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { linuxOverlayUnavailable } from "../src/adapters/linux/exec.js";
import { LinuxOverlay } from "../src/adapters/linux/overlay-driver.js";
import { connectivityGapMs, parsePingProbes } from "../src/adapters/linux/proc.js";
import { testbedDown, testbedUp } from "../src/adapters/linux/testbed.js";
import { LinuxTrafficSource } from "../src/adapters/linux/traffic-source.js";
import { PatternsRun, type IterationRecord } from "../src/adapters/linux/workload.js";
import type { MigrationReport } from "../src/adapters/overlay.js";
import { hostId, vmId, type HostId, type Mac, type VmId } from "../src/core/model/ids.js";
import { bytesToMbps, type TrafficEntry } from "../src/core/model/traffic.js";
import type { BspPattern } from "../src/core/synth/neighbours.js";
import type { TestbedLayout } from "../src/core/testbed/layout.js";
import { TestbedSpec } from "../src/core/testbed/spec.js";
import { parseConfig } from "../src/core/validate.js";

const why = linuxOverlayUnavailable();
if (why !== null) {
  process.stdout.write(`testbed experiment skipped: the Linux overlay ${why}\n`);
  process.exit(0);
}

const OBSERVE_S = 10;
const AFTER_S = 10;
const WARMUP_ITERATIONS = 2;
const MEM_MB = 32;
const HOSTS = ["h0", "h1", "h2", "h3"] as const; // h0, h1 in east; h2, h3 in west

interface Scenario {
  readonly pattern: BspPattern;
  readonly messageBytes: number;
  readonly work: number;
  /** Home host of vm0…vm7: the deliberately bad placement. */
  readonly bad: readonly HostId[];
  /** The hand-made better placement (until the optimizer decides). */
  readonly target: readonly HostId[];
}

const h = (i: number): HostId => hostId(HOSTS[i]!);
const SCENARIOS: readonly Scenario[] = [
  // Every ring neighbour across the WAN → neighbours together, only 2 ring edges cross.
  { pattern: "ring", messageBytes: 1024 * 1024, work: 50, bad: [0, 2, 1, 3, 0, 2, 1, 3].map(h), target: [0, 0, 1, 1, 2, 2, 3, 3].map(h) },
  // Half the VMs in each site → all in one site.
  { pattern: "all-to-all", messageBytes: 128 * 1024, work: 50, bad: [0, 2, 1, 3, 0, 2, 1, 3].map(h), target: [0, 0, 1, 1, 0, 0, 1, 1].map(h) },
];

/** The decision hook: from what the hosts sniffed and the current placement to a target placement. */
type Decide = (observed: readonly TrafficEntry[], placement: ReadonlyMap<VmId, HostId>) => Map<VmId, HostId>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Each VM pair's traffic counted once: by the sender's host. */
function senderView(layout: TestbedLayout, placement: ReadonlyMap<VmId, HostId>, perHost: readonly TrafficEntry[][]): TrafficEntry[] {
  const homeOf = new Map<Mac, HostId>(layout.vms.map((v) => [v.mac, placement.get(v.id)!]));
  return layout.hosts.flatMap((host, i) => (perHost[i] ?? []).filter((e) => homeOf.get(e.src) === host.id));
}

function iterationStats(records: readonly IterationRecord[], fromMs: number, toMs: number): { median: number; mean: number; n: number } {
  const ms = records.filter((r) => r.tMs >= fromMs && r.tMs <= toMs && r.iter >= WARMUP_ITERATIONS).map((r) => r.ms);
  return { median: median(ms), mean: ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length), n: ms.length };
}

async function runScenario(sc: Scenario): Promise<void> {
  const name = `ex${process.pid}`.slice(0, 12);
  const spec = parseConfig(
    TestbedSpec,
    {
      name,
      hosts: HOSTS.map((id, i) => ({ id, site: i < 2 ? "east" : "west" })),
      vms: sc.bad.map((host, i) => ({ id: `vm${i}`, host, memMB: MEM_MB })),
      wan: [{ sites: ["east", "west"], mbps: 100, delayMs: 20 }],
    },
    "experiment spec",
  );
  await testbedDown(name);
  const layout = await testbedUp(spec);
  const pingers: ChildProcess[] = [];
  let run: PatternsRun | null = null;
  try {
    const overlay = new LinuxOverlay(layout);
    const sources = await Promise.all(layout.hosts.map((x) => LinuxTrafficSource.open(overlay, x.id)));
    const placement = new Map<VmId, HostId>(layout.vms.map((v) => [v.id, v.home]));
    run = await PatternsRun.start(layout.vms, { pattern: sc.pattern, messageBytes: sc.messageBytes, work: sc.work, port: 46_300 });
    for (const s of sources) await s.readTraffic();
    const tGo = Date.now();
    run.go();
    await sleep(OBSERVE_S * 1000);
    const tObserved = Date.now();
    const observed = senderView(layout, placement, await Promise.all(sources.map((s) => s.readTraffic())));

    const decide: Decide = () => new Map(layout.vms.map((v, i) => [v.id, sc.target[i]!]));
    const target = decide(observed, placement);
    const moves = layout.vms.filter((v) => target.get(v.id) !== placement.get(v.id));
    const observer = layout.vms.find((v) => !moves.includes(v))!;
    const logs = new Map<VmId, string>();
    for (const v of moves) {
      const p = spawn("ip", ["netns", "exec", observer.netns, "ping", "-D", "-n", "-i", "0.01", "-w", "600", v.ip], { stdio: ["ignore", "pipe", "ignore"] });
      logs.set(v.id, "");
      p.stdout.on("data", (b: Buffer) => logs.set(v.id, logs.get(v.id)! + b.toString("utf8")));
      pingers.push(p);
    }
    await sleep(500);
    const reports: Array<MigrationReport & { t0: number; t1: number }> = [];
    for (const v of moves) {
      const from = placement.get(v.id)!;
      const t0 = Date.now();
      const r = await overlay.host(from).migrate(v.id, target.get(v.id)!, { precopyMB: v.memMB });
      reports.push({ ...r, t0, t1: Date.now() });
      placement.set(v.id, target.get(v.id)!);
    }
    const tApplied = Date.now();
    await sleep(1000);
    for (const p of pingers) p.kill("SIGINT");
    await sleep(AFTER_S * 1000);
    run.stop();
    await run.wait(60_000);
    const tEnd = Date.now();

    const before = iterationStats(run.iterations, tGo, tObserved);
    const after = iterationStats(run.iterations, tApplied + 1000, tEnd);
    const total = observed.reduce((a, e) => a + e.bytes, 0);
    const site = (host: HostId): string => layout.hosts.find((x) => x.id === host)!.site;
    const homeAtDecision = new Map<Mac, HostId>(layout.vms.map((v) => [v.mac, v.home]));
    const cross = observed.filter((e) => site(homeAtDecision.get(e.src)!) !== site(homeAtDecision.get(e.dst)!)).reduce((a, e) => a + e.bytes, 0);
    const top = [...observed].sort((a, b) => b.bytes - a.bytes).slice(0, 3);
    const vmOf = new Map<Mac, VmId>(layout.vms.map((v) => [v.mac, v.id]));

    const out = (s: string): boolean => process.stdout.write(`${s}\n`);
    out(`\n${sc.pattern}: 8 VMs, 4 hosts, 2 sites (100 Mbit/s, 20 ms one-way), ${sc.messageBytes / 1024} KiB per neighbour per iteration, work ${sc.work}`);
    out(`  sniffed over the first ${OBSERVE_S} s: ${observed.length} VM pairs, ${(bytesToMbps(total, tObserved - tGo)).toFixed(1)} Mbit/s in all, ${((100 * cross) / Math.max(1, total)).toFixed(0)}% across the WAN; top: ${top.map((e) => `${vmOf.get(e.src)}→${vmOf.get(e.dst)} ${bytesToMbps(e.bytes, tObserved - tGo).toFixed(1)} Mbit/s`).join(", ")}`);
    out(`  target placement: hand-made (the optimizer of issue 6 plugs in at \`decide\`): ${moves.length} migrations`);
    for (const r of reports) {
      const gap = connectivityGapMs(parsePingProbes(logs.get(r.vm) ?? ""), r.t0 - 200, r.t1 + 800);
      out(`    ${r.vm} ${r.from}→${r.to}: pre-copy ${(r.precopyBytes / 2 ** 20).toFixed(0)} MiB in ${(r.precopyMs / 1000).toFixed(2)} s, switch ${r.switchMs.toFixed(0)} ms, ping gap ${gap === null ? "n/a" : `${gap.toFixed(0)} ms`} (10 ms probes from ${observer.id})`);
    }
    out(`  iteration time before: median ${before.median.toFixed(0)} ms (mean ${before.mean.toFixed(0)}, ${before.n} rank-iterations)`);
    out(`  iteration time after:  median ${after.median.toFixed(0)} ms (mean ${after.mean.toFixed(0)}, ${after.n} rank-iterations)`);
    out(`  speed-up: ${(before.median / after.median).toFixed(2)}x; traffic start → plan applied: ${((tApplied - tGo) / 1000).toFixed(1)} s (${OBSERVE_S} s observation + ${((tApplied - tObserved) / 1000).toFixed(1)} s of migrations)`);
  } finally {
    run?.kill();
    for (const p of pingers) p.kill("SIGKILL");
    await testbedDown(name);
  }
}

const wanted = process.argv.slice(2);
for (const sc of SCENARIOS) if (wanted.length === 0 || wanted.includes(sc.pattern)) await runScenario(sc);
