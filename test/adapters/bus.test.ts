import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "../../src/adapters/bus/bus.js";
import { BusTimeoutError, NoRespondersError, subjectMatches } from "../../src/adapters/bus/bus.js";
import { MemoryBus } from "../../src/adapters/bus/memory.js";
import { NatsBus } from "../../src/adapters/bus/nats.js";
import { describeWithNats, startNatsServer, type NatsServerHandle } from "../helpers/nats-server.js";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe("subject matching", () => {
  it.each([
    ["a.b.c", "a.b.c", true],
    ["a.*.c", "a.x.c", true],
    ["a.*", "a.x.c", false],
    ["a.>", "a.x.c", true],
    ["a.>", "a", false],
    ["vadapt.o1.report.>", "vadapt.o1.report.load.h1", true],
    ["vadapt.o1.report.>", "vadapt.o2.report.load.h1", false],
  ] as const)("%s ~ %s = %s", (p, s, want) => expect(subjectMatches(p, s)).toBe(want));
});

function busContract(name: string, make: () => Promise<Bus>, done: () => Promise<void> = async () => {}) {
  describe(name, () => {
    let bus: Bus;
    beforeAll(async () => {
      bus = await make();
    });
    afterAll(async () => {
      await bus.close();
      await done();
    });
    it("delivers to wildcard subscribers in order", async () => {
      const got: string[] = [];
      const sub = bus.subscribe("t1.*.x", (m) => got.push(`${m.subject}=${dec(m.data)}`));
      await bus.flush();
      for (let i = 0; i < 5; i++) bus.publish(`t1.${i}.x`, enc(String(i)));
      bus.publish("t1.9.y", enc("no"));
      await bus.flush();
      await new Promise((r) => setTimeout(r, 50));
      sub.unsubscribe();
      expect(got).toEqual([0, 1, 2, 3, 4].map((i) => `t1.${i}.x=${i}`));
    });
    it("does request/reply, and reports no responders and timeouts as typed errors", async () => {
      bus.subscribe("svc.echo", (m) => m.respond?.(enc(`echo:${dec(m.data)}`)));
      bus.subscribe("svc.silent", () => {});
      await bus.flush();
      expect(dec(await bus.request("svc.echo", enc("hi"), 2000))).toBe("echo:hi");
      await expect(bus.request("svc.nobody", enc("x"), 500)).rejects.toBeInstanceOf(NoRespondersError);
      await expect(bus.request("svc.silent", enc("x"), 100)).rejects.toBeInstanceOf(BusTimeoutError);
    });
  });
}

busContract("MemoryBus", async () => new MemoryBus());

describeWithNats("NatsBus against a real nats-server", () => {
  let server: NatsServerHandle;
  busContract(
    "NatsBus",
    async () => {
      server = await startNatsServer();
      return NatsBus.connect({ servers: server.url });
    },
    async () => server.stop(),
  );
});
