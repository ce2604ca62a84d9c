import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { expect, it } from "vitest";
import { NatsBus } from "../../src/adapters/bus/nats.js";
import { startSimAgents } from "../../src/agent/run.js";
import { subjects } from "../../src/core/messages/subjects.js";
import { bspHeader, BspTraceSpec } from "../../src/core/synth/bsp-trace.js";
import { neighbours } from "../../src/core/synth/neighbours.js";
import { wallClock } from "../../src/service/clock.js";
import { loadConfig } from "../../src/service/config.js";
import { runWhatIf } from "../../src/service/planner.js";
import { startService } from "../../src/service/serve.js";
import { describeWithNats, startNatsServer } from "../helpers/nats-server.js";
import fc from "fast-check";

const logger = pino({ level: "silent" });

function world() {
  const h = bspHeader(BspTraceSpec.parse({ vms: 8, hosts: 4, sites: 2, placement: "scattered" }));
  return { hosts: h.hosts, vms: h.vms, links: h.links, demands: neighbours("ring", 8).flatMap((js, i) => js.map((j) => ({ src: `vm${i + 1}`, dst: `vm${j + 1}`, mbps: 20 }))) };
}

describeWithNats("service and what-if planner agree; bad input does not stop the loop", () => {
  it("replaying the service's recorded input through the planner gives the same plans", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vadapt-replay-"));
    const server = await startNatsServer();
    const w = world();
    const config = loadConfig(undefined, {}, { overlay: "rp", nats: { servers: server.url }, intervalMs: 200, graceMs: 100, warmupIntervals: 3, periodicIntervals: 10, http: { port: 0 } });
    const recordPath = join(dir, "recorded.trace");
    const service = await startService({ config, world: w, logger, recordPath });
    const agents = await startSimAgents({ world: w, overlay: "rp", servers: server.url, intervalMs: 200, logger, clock: wallClock });
    try {
      const end = Date.now() + 20_000;
      while (!service.records.some((r) => r.status === "applied") && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 2500)); // a few periodic re-evaluations after the plan
    } finally {
      await agents.stop();
      await service.stop();
      await server.stop();
    }
    const live = service.records.map((r) => ({ id: r.plan.id, status: r.status, actions: r.plan.actions, efficacy: r.plan.efficacy, createdMs: r.plan.createdMs }));
    expect(live.length).toBeGreaterThan(0);
    const replay = await runWhatIf(recordPath, { config });
    const replayed = replay.plans.map((r) => ({ id: r.plan.id, status: r.status, actions: r.plan.actions, efficacy: r.plan.efficacy, createdMs: r.plan.createdMs }));
    expect(replayed).toEqual(live);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("counts and rejects malformed, oversized, spoofed, stale and replayed reports, and still adapts (fuzz)", async () => {
    const server = await startNatsServer();
    const w = world();
    const config = loadConfig(undefined, {}, { overlay: "fz", nats: { servers: server.url }, intervalMs: 200, graceMs: 100, warmupIntervals: 3, periodicIntervals: 0, http: { port: 0 }, ingest: { maxBytes: 65536 } });
    const service = await startService({ config, world: w, logger });
    const rogue = await NatsBus.connect({ servers: server.url });
    const samples = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        fc.json().map((j) => new TextEncoder().encode(j)),
        fc.record({ v: fc.constant(1), overlay: fc.constant("fz"), host: fc.constantFrom("h1", "h2", "zz"), seq: fc.integer(), sentMs: fc.nat(), startMs: fc.nat(), intervalMs: fc.integer(), cells: fc.base64String() }).map((o) => new TextEncoder().encode(JSON.stringify(o))),
        fc.constant(new Uint8Array(70_000)),
      ),
      { numRuns: 400, seed: 42 },
    );
    const kinds = ["traffic", "load", "link"] as const;
    samples.forEach((data, i) => rogue.publish(subjects.report("fz", kinds[i % 3]!, `h${(i % 4) + 1}`), data));
    await rogue.flush();
    const agents = await startSimAgents({ world: w, overlay: "fz", servers: server.url, intervalMs: 200, logger, clock: wallClock });
    // Replays of a genuine report: captured and re-sent later.
    const captured: Array<{ subject: string; data: Uint8Array }> = [];
    const spy = rogue.subscribe(subjects.allReports("fz"), (m) => {
      if (captured.length < 5 && !m.subject.endsWith(".x")) captured.push({ subject: m.subject, data: m.data });
    });
    try {
      const end = Date.now() + 20_000;
      while (!service.records.some((r) => r.status === "applied") && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      spy.unsubscribe();
      for (const c of captured) rogue.publish(c.subject, c.data);
      await rogue.flush();
      await new Promise((r) => setTimeout(r, 300));
      expect(service.records.map((r) => r.status)).toContain("applied");
      const rejected = service.guard.rejected;
      expect(rejected.malformed).toBeGreaterThan(100);
      expect(rejected.oversized).toBeGreaterThan(0);
      expect(rejected.replayed).toBeGreaterThan(0);
      const total = Object.values(rejected).reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThanOrEqual(samples.length);
      const metrics = await (await fetch(`${service.url}/metrics`)).text();
      expect(metrics).toMatch(/vadapt_reports_rejected_total\{reason="malformed"\} \d+/);
    } finally {
      await agents.stop();
      await rogue.close();
      await service.stop();
      await server.stop();
    }
  }, 60_000);
});
