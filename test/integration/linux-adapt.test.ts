/**
 * The whole of vadapt on a real data plane (root, with nats-server): a 4-host, 8-VM, 2-site testbed (100 Mbit/s,
 * 20 ms between the sites), Linux-backed agents for its hosts and the adaptation service, over a real nats-server.
 *
 * 1. The BSP patterns benchmark (ring) runs in a deliberately bad placement (every ring neighbour across the
 *    WAN). The traffic reports the agents publish, decoded by the service's own ingest guard, match per VM pair
 *    what the benchmark sent (within 5%).
 * 2. The service, fed with those reports from the start, decides on a plan. It runs in `approve` mode only so that
 *    the plan waits until that check is done and the ring runs steadily (a plan decided earlier, on the check's
 *    traffic or the ring's first seconds, is rejected); the test then approves it as `vadapt approve` does, and the
 *    service applies it through the agents while the ring keeps running: real migrations (pre-copy, then the
 *    VM's port moves; the ring's TCP connections survive), links and pair rules. The kernels then hold exactly
 *    the overlay the plan describes.
 * 3. The ring's iterations after the plan are faster than in the bad placement by a clear factor.
 * 4. Teardown leaves no namespace (hence no device) and no process behind.
 */
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { NatsBus } from "../../src/adapters/bus/nats.js";
import { listNetnsWithPrefix, netnsPids, processAlive } from "../../src/adapters/linux/netns.js";
import { testbedDown, testbedUp } from "../../src/adapters/linux/testbed.js";
import { PatternsRun, type IterationRecord } from "../../src/adapters/linux/workload.js";
import { startLinuxAgents, type LinuxAgentsHandle } from "../../src/agent/linux.js";
import { IngestGuard } from "../../src/core/messages/ingest.js";
import { subjects } from "../../src/core/messages/subjects.js";
import type { HostId, Mac, VmId } from "../../src/core/model/ids.js";
import { applyAction, linkKey, parseLinkKey, parseRuleKey, type OverlayState } from "../../src/core/plan/actions.js";
import { layoutOf, type TestbedLayout } from "../../src/core/testbed/layout.js";
import { TestbedSpec } from "../../src/core/testbed/spec.js";
import { worldOfTestbed } from "../../src/core/testbed/world.js";
import type { TrafficEvent } from "../../src/core/trace/events.js";
import { parseConfig } from "../../src/core/validate.js";
import { wallClock } from "../../src/service/clock.js";
import { loadConfig } from "../../src/service/config.js";
import type { PlanRecord } from "../../src/service/driver.js";
import { startService, type ServiceHandle } from "../../src/service/serve.js";
import { WorldFile } from "../../src/service/world.js";
import { describeLinux, sweepStaleTestbeds, testbedName } from "../helpers/linux.js";
import { describeWithNats, NATS_SERVER, startNatsServer, type NatsServerHandle } from "../helpers/nats-server.js";

const TAG = "ad";
const NAME = testbedName(TAG);
const OVERLAY = `linux${process.pid}`;
const INTERVAL_MS = 1000;
/** IPv4 (20) + TCP with timestamps (32): the kernel counts IP packets, the benchmark application bytes. */
const TCP_IP_HEADER_BYTES = 52;
/**
 * The ring. The matrix check runs with messages small enough for the WAN's queue (8 × 64 KiB per direction per
 * iteration fits its 50 ms tbf queue plus the path's 40 ms RTT of data): a TCP retransmission is traffic on the
 * wire, counted twice by the kernel but sent once by the benchmark. The adaptation run sends 128 KiB: the WAN is
 * its bottleneck in the bad placement, and the migrations' pre-copies still get a share of it.
 */
const RING = { pattern: "ring" as const, work: 5 };
const CHECK_MESSAGE_BYTES = 64 * 1024;
const ADAPT_MESSAGE_BYTES = 128 * 1024;
const MEASURED_ITERATIONS = 10;
/** Iterations left out of the medians (connection warm-up, TCP slow start). */
const WARMUP_ITERATIONS = 2;
/** The speed-up the test requires: far below what the WAN costs the bad placement (10x and more measured). */
const MIN_SPEEDUP = 2;

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
    // Every ring neighbour in the other site.
    vms: Array.from({ length: 8 }, (_, i) => ({ id: `vm${i}`, host: `h${[0, 2, 1, 3][i % 4]}`, memMB: 4 })),
    wan: [{ sites: ["east", "west"], mbps: 100, delayMs: 20 }],
  },
  "integration testbed",
);
const layout: TestbedLayout = layoutOf(spec);
/** VADAPT_TEST_LOG=<file> keeps the service's and agents' logs (pino JSON lines) for a look at a failure. */
const logger = process.env.VADAPT_TEST_LOG === undefined ? pino({ level: "silent" }) : pino({ level: "debug" }, pino.destination({ dest: process.env.VADAPT_TEST_LOG, sync: true }));

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const steady = (its: readonly IterationRecord[]): number[] => its.filter((r) => r.iter >= WARMUP_ITERATIONS).map((r) => r.ms);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}


/** Needs both: skips loudly (saying which is missing) without nats-server or without the Linux overlay. */
const describeHere = NATS_SERVER === undefined ? describeWithNats : describeLinux;

describeHere("vadapt on a Linux testbed: Linux agents and the service over a real nats-server", () => {
  let nats: NatsServerHandle | null = null;
  let agents: LinuxAgentsHandle | null = null;
  let service: ServiceHandle | null = null;
  let listener: NatsBus | null = null;
  const reports: Array<{ subject: string; data: Uint8Array; receivedMs: number }> = [];
  const t0 = Date.now();

  beforeAll(async () => {
    await sweepStaleTestbeds(TAG);
    await testbedDown(NAME);
    nats = await startNatsServer();
    await testbedUp(spec);
    agents = await startLinuxAgents({ spec, overlay: OVERLAY, servers: nats.url, intervalMs: INTERVAL_MS, logger, clock: wallClock, probes: { probeCount: 2, probeIntervalS: 0.1 } });
    listener = await NatsBus.connect({ servers: nats.url, name: "test-listener" });
    listener.subscribe(subjects.allReports(OVERLAY), (m) => reports.push({ subject: m.subject, data: m.data, receivedMs: Date.now() }));
    await listener.flush();
    const config = loadConfig(undefined, {}, {
      overlay: OVERLAY,
      mode: "approve",
      nats: { servers: nats.url },
      intervalMs: INTERVAL_MS,
      graceMs: 1500,
      warmupIntervals: 3,
      periodicIntervals: 5,
      http: { port: 0 },
      policy: { minDwellMs: 600_000, maxMigrations: 4 },
      apply: { ackTimeoutMs: 30_000, migrationTimeoutMs: 120_000, retries: 2, maxConcurrentMigrations: 4 },
    });
    service = await startService({ config, world: parseConfig(WorldFile, worldOfTestbed(spec), "testbed world"), logger });
  }, 120_000);

  afterAll(async () => {
    await service?.stop().catch(() => undefined);
    await agents?.stop().catch(() => undefined);
    await listener?.close().catch(() => undefined);
    await nats?.stop().catch(() => undefined);
    await testbedDown(NAME);
    process.stdout.write(`linux adaptation test: ${((Date.now() - t0) / 1000).toFixed(1)} s in all\n`);
  }, 60_000);

  it("the agents report, per VM pair, the traffic the benchmark sent (within 5%)", async () => {
    const run = await PatternsRun.start(layout.vms, { ...RING, messageBytes: CHECK_MESSAGE_BYTES, iterations: MEASURED_ITERATIONS, port: 46_400 });
    const goMs = Date.now();
    run.go();
    const results = await run.wait(90_000);
    const doneMs = Date.now();
    for (const r of results) expect(r.iterations, `rank ${r.rank}`).toBe(MEASURED_ITERATIONS);

    // Wait for every host's report of every interval the run spans (reports may arrive out of order).
    const firstStart = Math.floor(goMs / INTERVAL_MS) * INTERVAL_MS;
    const lastStart = Math.floor(doneMs / INTERVAL_MS) * INTERVAL_MS;
    const spanned = (lastStart - firstStart) / INTERVAL_MS + 1;
    const guard = new IngestGuard({ overlay: OVERLAY, maxBytes: 8 << 20, staleMs: 600_000 });
    const traffic: TrafficEvent[] = [];
    const seen = new Set<string>();
    let decoded = 0;
    await until(
      "every host's reports of the run's intervals",
      () => {
        for (; decoded < reports.length; decoded++) {
          const r = reports[decoded]!;
          const res = guard.accept(r.subject, r.data, r.receivedMs);
          expect(res.ok, `report on ${r.subject}`).toBe(true);
          if (!res.ok) continue;
          for (const e of res.events) if (e.type === "traffic") traffic.push(e);
        }
        for (const e of traffic) if (e.startMs >= firstStart && e.startMs <= lastStart) seen.add(`${e.host ?? ""}@${e.startMs}`);
        return seen.size === layout.hosts.length * spanned;
      },
      15_000,
    );
    // Each pair as its sender's host counted it (what VTTIF's deduplication takes), summed over the run.
    const counted = new Map<string, { bytes: number; packets: number }>();
    const homeOf = new Map<Mac, HostId>(layout.vms.map((v) => [v.mac, v.home]));
    for (const e of traffic) {
      for (const [src, dst, bytes, packets] of e.entries) {
        if (homeOf.get(src) !== e.host) continue;
        const c = counted.get(`${src}>${dst}`) ?? { bytes: 0, packets: 0 };
        counted.set(`${src}>${dst}`, { bytes: c.bytes + bytes, packets: c.packets + packets });
      }
    }
    let worst = 0;
    for (const r of results) {
      const src = layout.vms[r.rank]!;
      for (const [j, sent] of Object.entries(r.sentBytes)) {
        const dst = layout.vms[Number(j)]!;
        const c = counted.get(`${src.mac}>${dst.mac}`) ?? { bytes: 0, packets: 0 };
        const err = Math.abs(c.bytes - TCP_IP_HEADER_BYTES * c.packets - sent) / sent;
        expect(err, `${src.id} → ${dst.id}: counted ${c.bytes} B in ${c.packets} packets, sent ${sent} B`).toBeLessThan(0.05);
        worst = Math.max(worst, err);
      }
    }
    process.stdout.write(`sniffed ring matrix vs sent: worst pair error ${(100 * worst).toFixed(2)}% (${counted.size} pairs)\n`);
  }, 120_000);

  it("the service adapts the bad placement through the agents, under live traffic, and iterations get faster", async () => {
    const run = await PatternsRun.start(layout.vms, { ...RING, messageBytes: ADAPT_MESSAGE_BYTES, port: 46_500 });
    const perRank = (from: number): number => Math.min(...layout.vms.map((_, rank) => run.iterations.slice(from).filter((r) => r.rank === rank).length));
    try {
      run.go();
      await until(`${MEASURED_ITERATIONS} ring iterations in the bad placement`, () => perRank(0) >= MEASURED_ITERATIONS, 60_000);
      const tSteady = Date.now();
      const before = median(steady(run.iterations));
      // The plan approved is one decided on the steady ring: one decided earlier (on the matrix check's traffic,
      // or on the ring's first seconds) is rejected, as an operator would, and the service decides again.
      const decide = async (planId: string, approve: boolean): Promise<void> => {
        const reply = await listener!.request(`vadapt.${OVERLAY}.approve`, new TextEncoder().encode(JSON.stringify({ planId, approve })), 10_000);
        expect(JSON.parse(new TextDecoder().decode(reply)), `${approve ? "approving" : "rejecting"} ${planId}`).toEqual({ ok: true });
      };
      let rec: PlanRecord | undefined;
      let rejected = 0;
      const planDeadline = Date.now() + 60_000;
      while (rec === undefined) {
        if (Date.now() > planDeadline) throw new Error(`no plan decided on the steady ring within 60 s (${rejected} earlier plans rejected)`);
        const waiting = service!.records.find((r) => r.status === "awaiting-approval");
        if (waiting === undefined) await sleep(100);
        else if (waiting.plan.createdMs < tSteady) {
          await decide(waiting.plan.id, false);
          rejected++;
          await until(`${waiting.plan.id} to be rejected`, () => waiting.status === "rejected", 10_000);
        } else rec = waiting;
      }
      await decide(rec.plan.id, true);
      const tApproved = Date.now();
      await until("the plan to settle", () => rec.status !== "awaiting-approval" && rec.status !== "proposed", 120_000);
      expect(rec.status, JSON.stringify(rec.outcome?.failed)).toBe("applied");
      const tApplied = Date.now();
      expect(service!.guard.accepted).toBeGreaterThan(0);
      expect(Object.values(service!.guard.rejected).reduce((x, y) => x + y, 0)).toBe(0);
      const moves = rec.plan.actions.filter((x) => x.spec.kind === "migrate");
      expect(moves.length).toBeGreaterThan(0);

      // The kernels hold what the plan says: placement, links, pair rules.
      const initial: OverlayState = {
        placement: new Map(layout.vms.map((v) => [v.id, v.home] as [VmId, HostId])),
        links: new Set(layout.hosts.flatMap((x) => layout.hosts.filter((y) => y.id !== x.id).map((y) => linkKey(x.id, y.id)))),
        rules: new Map(),
      };
      const expected = rec.plan.actions.reduce((st, x) => applyAction(st, x.spec), initial);
      const where = await agents!.driver.locations();
      for (const v of layout.vms) expect(where.get(v.id)?.id, v.id).toBe(expected.placement.get(v.id));
      const macOf = new Map(layout.vms.map((v) => [v.id as string, v.mac]));
      for (const h of layout.hosts) {
        const st = await agents!.driver.host(h.id).state();
        const links = [...expected.links].map(parseLinkKey).filter((l) => l.from === h.id).map((l) => l.to).sort();
        expect(st.links, `${h.id} links`).toEqual(links);
        const rules = [...expected.rules]
          .map(([k, next]) => ({ ...parseRuleKey(k), next }))
          .filter((r) => r.host === h.id)
          .map((r) => `${macOf.get(r.src)}>${macOf.get(r.dst)}>${r.next}`)
          .sort();
        expect(st.rules.map((r) => `${r.src}>${r.dst}>${r.next}`).sort(), `${h.id} rules`).toEqual(rules);
      }
      const crossing = (p: ReadonlyMap<VmId, HostId>): number => layout.vms.filter((v, i) => siteOf(p.get(v.id)!) !== siteOf(p.get(layout.vms[(i + 1) % 8]!.id)!)).length;
      expect(crossing(expected.placement)).toBeLessThan(crossing(initial.placement));

      // The ring kept running across the migrations; its iterations after the plan are faster.
      const from = run.iterations.length;
      await until(`${MEASURED_ITERATIONS} more ring iterations`, () => perRank(from) >= MEASURED_ITERATIONS, 60_000);
      const after = median(run.iterations.slice(from).map((r) => r.ms));
      run.stop();
      const results = await run.wait(30_000);
      for (const r of results) expect(r.iterations, `rank ${r.rank} ran on across the migrations`).toBeGreaterThan(MEASURED_ITERATIONS);
      process.stdout.write(
        `plan ${rec.plan.id}: ${rec.plan.actions.length} actions (${moves.length} migrations), applied in ${((tApplied - tApproved) / 1000).toFixed(1)} s; ring edges across the WAN ${crossing(initial.placement)} → ${crossing(expected.placement)}; iteration median ${before.toFixed(0)} → ${after.toFixed(0)} ms (${(before / after).toFixed(2)}x)\n`,
      );
      expect(after * MIN_SPEEDUP).toBeLessThan(before);
    } finally {
      run.kill();
    }
  }, 240_000);

  it("tears down cleanly: no namespace, device or process left", async () => {
    const pids = (await Promise.all((await listNetnsWithPrefix(layout.prefix)).map((ns) => netnsPids(ns)))).flat();
    expect(pids.length).toBeGreaterThan(0); // the WAN relays
    await service?.stop();
    service = null;
    await agents?.stop();
    agents = null;
    await testbedDown(NAME);
    expect(await listNetnsWithPrefix(layout.prefix)).toEqual([]);
    // Killed processes take a moment to go (longer on a loaded machine); each must be gone within 10 s.
    for (let i = 0; i < 100 && pids.some(processAlive); i++) await sleep(100);
    for (const pid of pids) expect(processAlive(pid), `process ${pid} still running`).toBe(false);
  }, 60_000);
});

function siteOf(h: HostId): string {
  return layout.hosts.find((x) => x.id === h)!.site;
}
