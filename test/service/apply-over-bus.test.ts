import { afterEach, describe, expect, it } from "vitest";
import type { Bus } from "../../src/adapters/bus/bus.js";
import { MemoryBus } from "../../src/adapters/bus/memory.js";
import { NatsBus } from "../../src/adapters/bus/nats.js";
import { Agent } from "../../src/agent/agent.js";
import { SimWorld } from "../../src/agent/sim.js";
import { hostId, syntheticMac, vmId, type HostId, type VmId } from "../../src/core/model/ids.js";
import { linkKey, type OverlayState } from "../../src/core/plan/actions.js";
import { applyPlan } from "../../src/core/plan/apply.js";
import { buildPlan, linksOf, rulesOf } from "../../src/core/plan/build.js";
import { BusExecutor } from "../../src/service/executor.js";
import { describeWithNats, startNatsServer, type NatsServerHandle } from "../helpers/nats-server.js";

const H = [1, 2, 3, 4].map((i) => hostId(`h${i}`));
const V = [1, 2, 3, 4].map((i) => vmId(`v${i}`));
const macOf = (vm: string) => syntheticMac(Number(vm.slice(1)));

/** v1..v4 in a ring, badly placed across h1..h4; the target puts neighbours together. */
function scenario() {
  const currentPaths = [
    { src: V[0]!, dst: V[1]!, hosts: [H[0]!, H[1]!] },
    { src: V[1]!, dst: V[2]!, hosts: [H[1]!, H[3]!, H[2]!] },
  ];
  const current: OverlayState = {
    placement: new Map<VmId, HostId>([[V[0]!, H[0]!], [V[1]!, H[1]!], [V[2]!, H[2]!], [V[3]!, H[3]!]]),
    links: new Set([...linksOf(currentPaths), linkKey(H[0]!, H[2]!)]),
    rules: rulesOf(currentPaths),
  };
  const target = {
    mapping: { v1: H[0]!, v2: H[0]!, v3: H[2]!, v4: H[2]! } as Record<string, HostId>,
    paths: [
      { src: V[0]!, dst: V[1]!, hosts: [H[0]!] },
      { src: V[1]!, dst: V[2]!, hosts: [H[0]!, H[2]!] },
    ],
  };
  const plan = buildPlan({
    planId: "p1", overlay: "o1", createdMs: 0, reason: "test", solver: "test", current, baseLinks: new Set([linkKey(H[0]!, H[2]!)]), target, memMB: () => 256,
    efficacy: { objective: "residual-bottleneck", before: 1, after: 2, predictedGainPct: 100, netBenefit: 1, horizonS: 60, migrationSeconds: 1, migrations: [] },
    ackTimeoutMs: 400, migrationTimeoutMs: 400, retries: 8,
  });
  const world = new SimWorld({
    hosts: H.map((id) => ({ id, cpu: 4 })),
    vms: V.map((id) => ({ id, mac: macOf(id), cpu: 1 })),
    links: [],
    state: current,
    demands: [],
  });
  return { current, target, plan, world };
}

function startAgents(buses: Bus[], world: SimWorld, delayMs = 0) {
  return H.map((host, i) => {
    const actuator = world.actuator(host);
    const agent = new Agent({
      bus: buses[i % buses.length]!,
      overlay: "o1",
      host,
      sources: world.sources(host),
      actuator: { execute: async (spec, macs) => { if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs)); await actuator.execute(spec, macs); } },
      now: () => Date.now(),
    });
    agent.start();
    return agent;
  });
}

describe("applying a plan through agents on the in-process bus", () => {
  it("reaches the target, each action executed once", async () => {
    const { plan, world, target } = scenario();
    const bus = new MemoryBus();
    startAgents([bus], world);
    const out = await applyPlan(plan, new BusExecutor({ bus, overlay: "o1", planId: plan.id, macOf, now: () => 0 }));
    expect(out.status).toBe("applied");
    expect(world.applied.length).toBe(plan.actions.length);
    expect(Object.fromEntries(world.state.placement)).toEqual(target.mapping);
    expect(world.state.rules).toEqual(rulesOf(target.paths));
  });

  it("rolls back cleanly when an agent fails a step", async () => {
    const { plan, world, current } = scenario();
    let failed = false;
    world.failWhen = (spec) => {
      if (spec.kind !== "set-rule" || failed) return null;
      failed = true;
      return "bridge fdb: operation not permitted";
    };
    const bus = new MemoryBus();
    startAgents([bus], world);
    const out = await applyPlan(plan, new BusExecutor({ bus, overlay: "o1", planId: plan.id, macOf, now: () => 0 }));
    expect(out.status).toBe("rolled-back");
    expect(out.failed?.error).toMatch(/operation not permitted/);
    expect(world.state).toEqual(current);
  });
});

describeWithNats("applying a plan through agents over a real nats-server", () => {
  let server: NatsServerHandle | null = null;
  const buses: Bus[] = [];
  afterEach(async () => {
    for (const b of buses.splice(0)) await b.close().catch(() => {});
    await server?.stop();
    server = null;
  });

  it("survives the broker being killed and restarted mid-plan, with no lost or duplicated action", async () => {
    server = await startNatsServer();
    const { plan, world, target } = scenario();
    for (let i = 0; i < 5; i++) buses.push(await NatsBus.connect({ servers: server.url, name: `c${i}` }));
    const agents = startAgents(buses.slice(1), world, 60);
    for (const b of buses) await b.flush();
    const executor = new BusExecutor({ bus: buses[0]!, overlay: "o1", planId: plan.id, macOf, now: () => Date.now() });
    let killed = false;
    const events: string[] = [];
    const applying = applyPlan(plan, executor, {
      delay: (ms) => new Promise((r) => setTimeout(r, ms)),
      retryBackoffMs: 100,
      onEvent: (e) => {
        events.push(`${e.type}:${e.id}`);
        if (e.type === "done" && !killed) {
          killed = true;
          void (async () => {
            await server!.kill();
            await new Promise((r) => setTimeout(r, 700));
            await server!.restart();
          })();
        }
      },
    });
    const out = await applying;
    expect(killed).toBe(true);
    expect(out.status).toBe("applied");
    expect(events.some((e) => e.startsWith("retry"))).toBe(true);
    // Exactly once: every action reached the world once, however many times it was sent.
    expect(world.applied.length).toBe(plan.actions.length);
    expect(agents.reduce((n, a) => n + a.executed, 0)).toBe(plan.actions.length);
    expect(Object.fromEntries(world.state.placement)).toEqual(target.mapping);
  }, 60_000);
});
