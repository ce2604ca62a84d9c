import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSimAgents } from "../../src/agent/run.js";
import { bspHeader, BspTraceSpec } from "../../src/core/synth/bsp-trace.js";
import { neighbours } from "../../src/core/synth/neighbours.js";
import { wallClock } from "../../src/service/clock.js";
import { loadConfig } from "../../src/service/config.js";
import { startService } from "../../src/service/serve.js";
import { NatsBus } from "../../src/adapters/bus/nats.js";
import { subjects } from "../../src/core/messages/subjects.js";
import { natsAuthorization, type AuthUsers } from "../../src/service/nats-auth.js";
import { describeWithNats, startNatsServer, type NatsServerHandle } from "../helpers/nats-server.js";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function users(overlay: string, hosts: string[]): AuthUsers {
  return {
    overlay,
    optimizer: { user: `opt-${overlay}`, pass: `p-opt-${overlay}` },
    agents: hosts.map((h) => ({ host: h, user: `${overlay}-${h}`, pass: `p-${overlay}-${h}` })),
  };
}

describeWithNats("per-agent credentials and subject permissions on a real nats-server", () => {
  let server: NatsServerHandle;
  const open: NatsBus[] = [];
  const connect = async (user: string, pass: string, errors?: string[]) => {
    const b = await NatsBus.connect({ servers: server.url, user, pass, onStatus: (t, d) => errors?.push(`${t} ${d}`) });
    open.push(b);
    return b;
  };
  beforeAll(async () => {
    server = await startNatsServer(natsAuthorization([users("blue", ["h1", "h2"]), users("red", ["h1"]), users("green", ["h1", "h2", "h3", "h4"])]));
  });
  afterAll(async () => {
    for (const b of open) await b.close().catch(() => {});
    await server.stop();
  });

  it("refuses a client without credentials", async () => {
    await expect(NatsBus.connect({ servers: server.url })).rejects.toThrow(/Authorization|authorization|auth/i);
  });

  it("lets an agent publish only its own reports", async () => {
    const opt = await connect("opt-blue", "p-opt-blue");
    const got: string[] = [];
    opt.subscribe(subjects.allReports("blue"), (m) => got.push(m.subject));
    await opt.flush();
    const errors: string[] = [];
    const h1 = await connect("blue-h1", "p-blue-h1", errors);
    h1.publish(subjects.report("blue", "traffic", "h1"), enc("{}"));
    h1.publish(subjects.report("blue", "traffic", "h2"), enc("{}")); // impersonating h2: denied
    h1.publish(subjects.report("red", "traffic", "h1"), enc("{}")); // another overlay: denied
    await h1.flush();
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toEqual([subjects.report("blue", "traffic", "h1")]);
    expect(errors.join("\n")).toMatch(/Permissions Violation|permission/i);
  });

  it("delivers commands only to their host's agent, and lets it reply", async () => {
    const opt = await connect("opt-blue", "p-opt-blue");
    const h1 = await connect("blue-h1", "p-blue-h1");
    const h2 = await connect("blue-h2", "p-blue-h2");
    const seenByH2: string[] = [];
    h1.subscribe(subjects.cmd("blue", "h1"), (m) => m.respond?.(enc(`ack:${dec(m.data)}`)));
    h2.subscribe(subjects.cmd("blue", "h1"), (m) => seenByH2.push(dec(m.data))); // not its own: denied
    await h1.flush();
    await h2.flush();
    expect(dec(await opt.request(subjects.cmd("blue", "h1"), enc("x"), 2000))).toBe("ack:x");
    await new Promise((r) => setTimeout(r, 200));
    expect(seenByH2).toEqual([]);
  });

  it("stops a rogue client from injecting a command or reading another overlay's reports", async () => {
    const victim = await connect("blue-h1", "p-blue-h1");
    const commands: string[] = [];
    victim.subscribe(subjects.cmd("blue", "h1"), (m) => commands.push(dec(m.data)));
    await victim.flush();
    // An agent of the red overlay tries to command a blue host and to read blue's reports.
    const rogue = await connect("red-h1", "p-red-h1");
    const stolen: string[] = [];
    rogue.subscribe(subjects.allReports("blue"), (m) => stolen.push(m.subject));
    rogue.publish(subjects.cmd("blue", "h1"), enc("migrate everything"));
    await rogue.flush();
    // A blue agent tries the same inside its own overlay.
    const insider = await connect("blue-h2", "p-blue-h2");
    insider.publish(subjects.cmd("blue", "h1"), enc("forged"));
    await insider.flush();
    const reporter = await connect("blue-h1", "p-blue-h1");
    reporter.publish(subjects.report("blue", "load", "h1"), enc("{}"));
    await reporter.flush();
    await new Promise((r) => setTimeout(r, 300));
    expect(commands).toEqual([]);
    expect(stolen).toEqual([]);
  });
});

describeWithNats("the service and agents under per-agent permissions", () => {
  it("adapts with every party on its own least-privilege credentials", async () => {
    const server = await startNatsServer(natsAuthorization([users("green", ["h1", "h2", "h3", "h4"])]));
    const logger = pino({ level: "silent" });
    const h = bspHeader(BspTraceSpec.parse({ vms: 8, hosts: 4, sites: 2, placement: "scattered" }));
    const world = { hosts: h.hosts, vms: h.vms, links: h.links, demands: neighbours("ring", 8).flatMap((js, i) => js.map((j) => ({ src: `vm${i + 1}`, dst: `vm${j + 1}`, mbps: 20 }))) };
    const config = loadConfig(undefined, {}, {
      overlay: "green", nats: { servers: server.url, user: "opt-green", pass: "p-opt-green" }, intervalMs: 200, graceMs: 100,
      warmupIntervals: 3, periodicIntervals: 0, http: { port: 0 }, apply: { ackTimeoutMs: 1000, retries: 5 },
    });
    const service = await startService({ config, world, logger });
    const agents = await startSimAgents({
      world, overlay: "green", servers: server.url, intervalMs: 200, logger, clock: wallClock,
      credentials: (host) => ({ user: `green-${host}`, pass: `p-green-${host}` }),
    });
    try {
      const end = Date.now() + 20_000;
      while (!service.records.some((r) => r.status === "applied") && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(service.records.map((r) => r.status)).toContain("applied");
      expect(service.guard.rejected.spoofed).toBe(0);
    } finally {
      await service.stop();
      await agents.stop();
      await server.stop();
    }
  }, 40_000);
});
