/**
 * The experiment of issue 7, on the emulated WAN, with vadapt itself deciding: the BSP patterns benchmark (ring,
 * all-to-all) on 8 VMs, 4 hosts, 2 sites joined by a 100 Mbit/s, 20 ms (one-way) WAN, started in a deliberately
 * bad placement. Linux-backed agents report what the hosts' kernels sniff over a nats-server started for the run.
 * The benchmark first runs BASELINE_S seconds in the bad placement (the "before"); then the adaptation service
 * starts (auto mode: VTTIF, prediction, the annealing solver, plans applied through the agents) with no history,
 * and adapts while the benchmark runs. Printed per scenario: iteration time before and after and the speed-up,
 * time from the optimizer's first sight of the traffic (its start) to the decision and to the plan applied, and
 * each migration's pre-copy, switch and connectivity gap (a continuous 10 ms ping from a VM that stays, started
 * when the plan is published).
 *
 * Needs root, the Linux overlay's tools and nats-server; prints why and exits 0 otherwise.
 *
 *   npm run bench -- testbed-experiment            (both scenarios; argument `ring` or `all-to-all` for one)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { pino } from "pino";
import { NatsBus } from "../src/adapters/bus/nats.js";
import { linuxOverlayUnavailable } from "../src/adapters/linux/exec.js";
import { connectivityGapMs, parsePingProbes } from "../src/adapters/linux/proc.js";
import { testbedDown, testbedUp } from "../src/adapters/linux/testbed.js";
import { PatternsRun, type IterationRecord } from "../src/adapters/linux/workload.js";
import { startLinuxAgents, type LinuxAgentsHandle, type TimedMigration } from "../src/agent/linux.js";
import { subjects } from "../src/core/messages/subjects.js";
import type { Plan } from "../src/core/plan/plan.js";
import type { BspPattern } from "../src/core/synth/neighbours.js";
import { TestbedSpec } from "../src/core/testbed/spec.js";
import { worldOfTestbed } from "../src/core/testbed/world.js";
import { parseConfig } from "../src/core/validate.js";
import { wallClock } from "../src/service/clock.js";
import { loadConfig } from "../src/service/config.js";
import { startService, type ServiceHandle } from "../src/service/serve.js";
import { WorldFile } from "../src/service/world.js";
import { NATS_SERVER, startNatsServer, type NatsServerHandle } from "../test/helpers/nats-server.js";

const why = linuxOverlayUnavailable() ?? (NATS_SERVER === undefined ? "needs nats-server (apt-get install -y nats-server)" : null);
if (why !== null) {
  process.stdout.write(`testbed experiment skipped: ${why}\n`);
  process.exit(0);
}

const BASELINE_S = 12;
const AFTER_S = 10;
const WARMUP_ITERATIONS = 2;
const MEM_MB = 32;
const INTERVAL_MS = 1000;
const HOSTS = ["h0", "h1", "h2", "h3"] as const; // h0, h1 in east; h2, h3 in west
/** Every ring neighbour across the WAN, half the VMs in each site. */
const BAD = [0, 2, 1, 3, 0, 2, 1, 3].map((i) => HOSTS[i]!);

interface Scenario {
  readonly pattern: BspPattern;
  readonly messageBytes: number;
  readonly work: number;
}

const SCENARIOS: readonly Scenario[] = [
  { pattern: "ring", messageBytes: 1024 * 1024, work: 50 },
  { pattern: "all-to-all", messageBytes: 128 * 1024, work: 50 },
];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const logger = process.env.VADAPT_BENCH_LOG === undefined ? pino({ level: "silent" }) : pino({ level: "debug" }, pino.destination({ dest: process.env.VADAPT_BENCH_LOG, sync: true }));

function iterationStats(records: readonly IterationRecord[], fromMs: number, toMs: number): { median: number; n: number } {
  const ms = records.filter((r) => r.tMs >= fromMs && r.tMs <= toMs && r.iter >= WARMUP_ITERATIONS).map((r) => r.ms);
  return { median: median(ms), n: ms.length };
}

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

async function runScenario(sc: Scenario, nats: NatsServerHandle): Promise<void> {
  const name = `ex${process.pid}`.slice(0, 12);
  const overlay = `ex${sc.pattern.replace(/[^a-z]/g, "")}${process.pid}`;
  const spec = parseConfig(
    TestbedSpec,
    {
      name,
      hosts: HOSTS.map((id, i) => ({ id, site: i < 2 ? "east" : "west" })),
      vms: BAD.map((host, i) => ({ id: `vm${i}`, host, memMB: MEM_MB })),
      wan: [{ sites: ["east", "west"], mbps: 100, delayMs: 20 }],
    },
    "experiment spec",
  );
  await testbedDown(name);
  const layout = await testbedUp(spec);
  const pingers: ChildProcess[] = [];
  let run: PatternsRun | null = null;
  let agents: LinuxAgentsHandle | null = null;
  let service: ServiceHandle | null = null;
  let listener: NatsBus | null = null;
  try {
    const migrations: TimedMigration[] = [];
    agents = await startLinuxAgents({ spec, overlay, servers: nats.url, intervalMs: INTERVAL_MS, logger, clock: wallClock, onMigration: (r) => migrations.push(r) });
    // When a plan is published, ping each VM it moves, every 10 ms, from a VM it does not move.
    const logs = new Map<string, string>();
    let observer = "";
    listener = await NatsBus.connect({ servers: nats.url, name: "experiment" });
    listener.subscribe(subjects.plan(overlay), (m) => {
      const msg = JSON.parse(new TextDecoder().decode(m.data)) as { status: string; plan: Plan };
      if (msg.status !== "proposed" || logs.size > 0) return;
      const moving = new Set(msg.plan.actions.flatMap((a) => (a.spec.kind === "migrate" ? [a.spec.vm as string] : [])));
      const stay = layout.vms.find((v) => !moving.has(v.id));
      if (stay === undefined) return;
      observer = stay.id;
      for (const v of layout.vms.filter((x) => moving.has(x.id))) {
        const p = spawn("ip", ["netns", "exec", stay.netns, "ping", "-D", "-n", "-i", "0.01", "-w", "600", v.ip], { stdio: ["ignore", "pipe", "ignore"] });
        logs.set(v.id, "");
        p.stdout.on("data", (b: Buffer) => logs.set(v.id, logs.get(v.id)! + b.toString("utf8")));
        pingers.push(p);
      }
    });
    await listener.flush();

    run = await PatternsRun.start(layout.vms, { pattern: sc.pattern, messageBytes: sc.messageBytes, work: sc.work, port: 46_300 });
    const tGo = Date.now();
    run.go();
    await sleep(BASELINE_S * 1000);
    const config = loadConfig(undefined, {}, {
      overlay,
      nats: { servers: nats.url },
      intervalMs: INTERVAL_MS,
      graceMs: 1500,
      periodicIntervals: 10,
      http: { port: 0 },
      apply: { ackTimeoutMs: 30_000 },
    });
    // No replay of the baseline's reports: the optimizer first sees the traffic when it starts.
    const tSvc = Date.now();
    service = await startService({ config, world: parseConfig(WorldFile, worldOfTestbed(spec), "testbed world"), logger, replayMs: 1 });
    await until("a plan to settle", () => service!.records.some((r) => r.status !== "proposed" && r.status !== "awaiting-approval"), 300_000);
    const rec = service.records.find((r) => r.status !== "proposed")!;
    const tApplied = rec.settledMs!;
    await sleep(1000);
    for (const p of pingers) p.kill("SIGINT");
    await sleep(AFTER_S * 1000);
    run.stop();
    await run.wait(60_000);
    const tEnd = Date.now();

    const before = iterationStats(run.iterations, tGo, tSvc);
    const after = iterationStats(run.iterations, tApplied + 1000, tEnd);
    const out = (s: string): boolean => process.stdout.write(`${s}\n`);
    out(`\n${sc.pattern}: 8 VMs, 4 hosts, 2 sites (100 Mbit/s, 20 ms one-way), ${sc.messageBytes / 1024} KiB per neighbour per iteration, work ${sc.work}, ${MEM_MB} MiB pre-copy per migration`);
    const e = rec.plan.efficacy;
    out(`  plan ${rec.plan.id} (${rec.status}): ${rec.plan.actions.length} actions, ${e.migrations.length} migrations, ${e.rulesChanged} rule changes; objective ${e.before.toFixed(0)} → ${e.after.toFixed(0)} (${e.objective}, +${e.predictedGainPct.toFixed(0)}%)`);
    const placement = new Map(layout.vms.map((v) => [v.id as string, v.home as string]));
    for (const a of rec.plan.actions) if (a.spec.kind === "migrate") placement.set(a.spec.vm, a.spec.to);
    out(`  placement: ${layout.vms.map((v) => `${v.id}@${v.home}`).join(" ")} → ${layout.vms.map((v) => `${v.id}@${placement.get(v.id)}`).join(" ")}`);
    for (const r of migrations.sort((a, b) => a.startMs - b.startMs)) {
      const gap = connectivityGapMs(parsePingProbes(logs.get(r.vm) ?? ""), r.endMs - r.switchMs - 300, r.endMs + 800);
      out(
        `    ${r.vm} ${r.from}→${r.to}: +${((r.startMs - tSvc) / 1000).toFixed(1)} s, pre-copy ${(r.precopyBytes / 2 ** 20).toFixed(0)} MiB in ${(r.precopyMs / 1000).toFixed(2)} s, switch ${r.switchMs.toFixed(0)} ms, ping gap ${gap === null ? "n/a" : `${gap.toFixed(0)} ms`} (10 ms probes from ${observer})`,
      );
    }
    out(`  iteration time before: median ${before.median.toFixed(0)} ms (${before.n} rank-iterations); after: median ${after.median.toFixed(0)} ms (${after.n}); speed-up ${(before.median / after.median).toFixed(2)}x`);
    out(`  optimizer start (traffic running) → plan decided ${((rec.decidedMs - tSvc) / 1000).toFixed(1)} s → applied ${((tApplied - tSvc) / 1000).toFixed(1)} s`);
    out(`  | ${sc.pattern} | ${sc.messageBytes / 1024} KiB | ${before.median.toFixed(0)} ms | ${after.median.toFixed(0)} ms | ${(before.median / after.median).toFixed(1)}x | ${((rec.decidedMs - tSvc) / 1000).toFixed(1)} s / ${((tApplied - tSvc) / 1000).toFixed(1)} s | ${migrations.length} | ${migrations.map((r) => connectivityGapMs(parsePingProbes(logs.get(r.vm) ?? ""), r.endMs - r.switchMs - 300, r.endMs + 800)?.toFixed(0) ?? "n/a").join(", ")} ms |`);
  } finally {
    run?.kill();
    for (const p of pingers) p.kill("SIGKILL");
    await service?.stop().catch(() => undefined);
    await agents?.stop().catch(() => undefined);
    await listener?.close().catch(() => undefined);
    await testbedDown(name);
  }
}

const wanted = process.argv.slice(2);
const nats = await startNatsServer();
try {
  for (const sc of SCENARIOS) if (wanted.length === 0 || wanted.includes(sc.pattern)) await runScenario(sc, nats);
} finally {
  await nats.stop();
}
