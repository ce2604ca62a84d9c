import { pino } from "pino";
import { afterEach, expect, it } from "vitest";
import { startSimAgents, type SimAgentsHandle } from "../../src/agent/run.js";
import { bspHeader, BspTraceSpec } from "../../src/core/synth/bsp-trace.js";
import { neighbours } from "../../src/core/synth/neighbours.js";
import { wallClock } from "../../src/service/clock.js";
import { loadConfig, type ServiceConfig } from "../../src/service/config.js";
import { startService, type ServiceHandle } from "../../src/service/serve.js";
import type { WorldFile } from "../../src/service/world.js";
import { describeWithNats, startNatsServer, type NatsServerHandle } from "../helpers/nats-server.js";

const logger = pino({ level: "silent" });

/** 16 VMs in a ring on 8 hosts in 2 sites, placed so that every ring neighbour is across the WAN. */
function badlyPlacedRing(): WorldFile {
  const spec = BspTraceSpec.parse({ vms: 16, hosts: 8, sites: 2, placement: "scattered", hostCpu: 4 });
  const h = bspHeader(spec);
  const demands = neighbours("ring", 16).flatMap((js, i) => js.map((j) => ({ src: `vm${i + 1}`, dst: `vm${j + 1}`, mbps: 20 })));
  return { name: "ring16", hosts: h.hosts, vms: h.vms, links: h.links, demands };
}

function config(server: NatsServerHandle, extra: Record<string, unknown> = {}): ServiceConfig {
  return loadConfig(undefined, {}, {
    overlay: "itest",
    nats: { servers: server.url },
    intervalMs: 200,
    graceMs: 100,
    warmupIntervals: 3,
    periodicIntervals: 0,
    http: { port: 0 },
    policy: { minDwellMs: 600_000, maxMigrations: 16 },
    apply: { ackTimeoutMs: 400, migrationTimeoutMs: 400, retries: 10 },
    ...extra,
  });
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

const siteOf = (h: string) => (Number(h.slice(1)) <= 4 ? 1 : 2);
function crossSitePairs(placement: ReadonlyMap<string, string>): number {
  let n = 0;
  for (let i = 1; i <= 16; i++) if (siteOf(placement.get(`vm${i}`)!) !== siteOf(placement.get(`vm${(i % 16) + 1}`)!)) n++;
  return n;
}

describeWithNats("the adaptation service with 8 simulated agents over a real nats-server", () => {
  let server: NatsServerHandle | null = null;
  let service: ServiceHandle | null = null;
  let agents: SimAgentsHandle | null = null;
  afterEach(async () => {
    await service?.stop();
    await agents?.stop();
    await server?.stop();
    service = null;
    agents = null;
    server = null;
  });

  it("adapts a badly placed application: the ring's neighbours end up in one site", async () => {
    server = await startNatsServer();
    const world = badlyPlacedRing();
    const c = config(server);
    service = await startService({ config: c, world, logger });
    agents = await startSimAgents({ world, overlay: c.overlay, servers: server.url, intervalMs: c.intervalMs, logger, clock: wallClock });
    expect(crossSitePairs(agents.sim.state.placement)).toBe(16);
    await until(() => service!.records.some((r) => r.status === "applied"), 20_000);
    const rec = service.records.find((r) => r.status === "applied")!;
    expect(rec.plan.efficacy.after).toBeGreaterThan(rec.plan.efficacy.before);
    expect(crossSitePairs(agents.sim.state.placement)).toBeLessThanOrEqual(2);
    expect(agents.sim.applied.length).toBe(rec.plan.actions.length);
    const health = (await (await fetch(`${service.url}/healthz`)).json()) as { status: string; counters: { plans: number } };
    expect(health.status).toBe("ok");
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/vadapt_plans_total\{status="applied"\} 1/);
    expect(metrics).toMatch(/vadapt_reports_accepted_total\{kind="traffic"\} \d+/);
  }, 40_000);

  it("recovers from a broker crash mid-plan with no lost or duplicated action", async () => {
    server = await startNatsServer();
    const world = badlyPlacedRing();
    const c = config(server);
    service = await startService({ config: c, world, logger });
    agents = await startSimAgents({ world, overlay: c.overlay, servers: server.url, intervalMs: c.intervalMs, logger, clock: wallClock, actionDelayMs: 150 });
    await until(() => service!.records.length > 0, 20_000);
    await until(() => agents!.sim.applied.length >= 2, 10_000);
    await server.kill();
    await new Promise((r) => setTimeout(r, 800));
    await server.restart();
    await until(() => service!.records[0]!.status !== "proposed", 30_000);
    const rec = service.records[0]!;
    expect(rec.status).toBe("applied");
    // Exactly once: the simulated overlay saw each action once, however often it was sent.
    const ids = agents.sim.applied.length;
    expect(ids).toBe(rec.plan.actions.length);
    expect(crossSitePairs(agents.sim.state.placement)).toBeLessThanOrEqual(2);
  }, 60_000);

  it("a restarted optimizer rebuilds its window from the report stream before it goes live", async () => {
    server = await startNatsServer();
    const world = badlyPlacedRing();
    const c = config(server, { mode: "dry-run", warmupIntervals: 10 });
    // A first optimizer creates the stream and sees the app for a while, then goes away.
    const first = await startService({ config: c, world, logger });
    agents = await startSimAgents({ world, overlay: c.overlay, servers: server.url, intervalMs: c.intervalMs, logger, clock: wallClock });
    await until(() => first.records.length > 0, 20_000);
    await first.stop();
    await new Promise((r) => setTimeout(r, 3 * c.intervalMs));
    // Its successor replays the stream: it completes its warm-up on replayed intervals (data time before it
    // started) and proposes the same kind of plan, without waiting for ten fresh intervals.
    const startedMs = Date.now();
    service = await startService({ config: c, world, logger, replayMs: 60_000 });
    await until(() => service!.records.length > 0, 20_000);
    const rec = service.records[0]!;
    expect(rec.plan.createdMs).toBeLessThan(startedMs);
    expect(rec.plan.efficacy.after).toBeGreaterThan(rec.plan.efficacy.before);
    expect(rec.plan.efficacy.migrations.length).toBeGreaterThan(0);
  }, 60_000);

  it("in approve mode keeps processing intervals while a plan waits; an unanswered plan expires, an approved one is applied", async () => {
    server = await startNatsServer();
    const world = badlyPlacedRing();
    const c = config(server, { mode: "approve", approvalTimeoutMs: 1500, periodicIntervals: 5 });
    service = await startService({ config: c, world, logger });
    agents = await startSimAgents({ world, overlay: c.overlay, servers: server.url, intervalMs: c.intervalMs, logger, clock: wallClock });
    const intervals = async (): Promise<number> => (await service!.metrics.intervals.get()).values[0]?.value ?? 0;
    await until(() => service!.records.some((r) => r.status === "awaiting-approval"), 20_000);
    const first = service.records[0]!;
    const atDecision = await intervals();
    await new Promise((r) => setTimeout(r, 5 * c.intervalMs));
    expect(await intervals(), "intervals processed while the plan waits").toBeGreaterThanOrEqual(atDecision + 3);
    expect(first.status).toBe("awaiting-approval");
    // Nobody answers: it expires, a late approval is refused, and the loop decides again.
    await until(() => first.status === "expired", 5_000);
    const late = JSON.parse(new TextDecoder().decode(await service.bus.request(`vadapt.${c.overlay}.approve`, new TextEncoder().encode(JSON.stringify({ planId: first.plan.id, approve: true })), 2_000))) as { ok: boolean };
    expect(late.ok).toBe(false);
    expect(crossSitePairs(agents.sim.state.placement)).toBe(16);
    await until(() => service!.records.length >= 2 && service!.records[1]!.status === "awaiting-approval", 10_000);
    const second = service.records[1]!;
    const ok = JSON.parse(new TextDecoder().decode(await service.bus.request(`vadapt.${c.overlay}.approve`, new TextEncoder().encode(JSON.stringify({ planId: second.plan.id, approve: true })), 2_000))) as { ok: boolean };
    expect(ok.ok).toBe(true);
    await until(() => second.status === "applied", 20_000);
    expect(crossSitePairs(agents.sim.state.placement)).toBeLessThanOrEqual(2);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/vadapt_plans_total\{status="expired"\} 1/);
    expect(metrics).toMatch(/vadapt_plans_total\{status="applied"\} 1/);
  }, 60_000);

  it("rolls back cleanly when an agent fails a step", async () => {
    server = await startNatsServer();
    const world = badlyPlacedRing();
    const c = config(server, { periodicIntervals: 0 });
    service = await startService({ config: c, world, logger });
    agents = await startSimAgents({ world, overlay: c.overlay, servers: server.url, intervalMs: c.intervalMs, logger, clock: wallClock });
    const before = agents.sim.state;
    let n = 0;
    agents.sim.failWhen = (spec) => (spec.kind === "migrate" && ++n === 3 ? "destination host refused the VM" : null);
    await until(() => service!.records.some((r) => r.status !== "proposed"), 20_000);
    const rec = service.records[0]!;
    expect(rec.status).toBe("rolled-back");
    expect(rec.outcome?.failed?.error).toMatch(/refused/);
    expect(agents.sim.state).toEqual(before);
  }, 40_000);
});
