/** The WAN relay and the patterns benchmark, on loopback addresses only (no root needed). */
import dgram from "node:dgram";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { startRelay, type Relay } from "../../src/adapters/linux/wan-relay.js";
import { neighbours } from "../../src/core/synth/neighbours.js";
import { inNeighbours, PatternsConfig, runRank } from "../../src/workload/patterns.js";
import { parseConfig } from "../../src/core/validate.js";
import { control } from "../helpers/control.js";

async function udp(address: string): Promise<dgram.Socket> {
  const s = dgram.createSocket("udp4");
  s.bind(0, address);
  await once(s, "listening");
  return s;
}

async function freeUdpPort(address: string): Promise<number> {
  const s = await udp(address);
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("WAN relay (loopback)", () => {
  const open: Array<{ close(): unknown }> = [];
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
  });

  async function setup(delayMs: number, lossPct: number): Promise<{ relay: Relay; port: number; sender: dgram.Socket; receiver: dgram.Socket; got: number[] }> {
    const receiver = await udp("127.0.0.4");
    const sender = await udp("127.0.0.3");
    const port = await freeUdpPort("127.0.0.2");
    const relay = await startRelay({
      bindIp: "127.0.0.2",
      seed: 7,
      routes: [{ port, localIp: "127.0.0.3", remoteIp: "127.0.0.4", remotePort: receiver.address().port, delayMs, lossPct }],
    });
    open.push(relay, { close: () => new Promise<void>((r) => sender.close(() => r())) }, { close: () => new Promise<void>((r) => receiver.close(() => r())) });
    const got: number[] = [];
    receiver.on("message", (m) => got.push(performance.now() - m.readDoubleBE(0)));
    return { relay, port, sender, receiver, got };
  }

  const stamp = (): Buffer => {
    const b = Buffer.alloc(64);
    b.writeDoubleBE(performance.now(), 0);
    return b;
  };

  it("holds every datagram for the one-way delay and keeps order", async () => {
    const { relay, port, sender, got } = await setup(30, 0);
    for (let i = 0; i < 20; i++) {
      sender.send(stamp(), port, "127.0.0.2");
      await sleep(2);
    }
    for (let i = 0; i < 100 && got.length < 20; i++) await sleep(20);
    expect(got).toHaveLength(20);
    for (const d of got) expect(d).toBeGreaterThanOrEqual(29.5);
    expect(relay.stats).toMatchObject({ relayed: 20, dropped: 0, foreign: 0 });
  });

  it("drops the configured share (seeded) and ignores other senders", async () => {
    const { relay, port, sender, got } = await setup(0, 50);
    for (let i = 0; i < 400; i++) {
      sender.send(stamp(), port, "127.0.0.2");
      if (i % 50 === 0) await sleep(5);
    }
    const stranger = await udp("127.0.0.5");
    open.push({ close: () => new Promise<void>((r) => stranger.close(() => r())) });
    stranger.send(stamp(), port, "127.0.0.2");
    for (let i = 0; i < 100 && relay.stats.relayed + relay.stats.dropped + relay.stats.foreign < 401; i++) await sleep(20);
    expect(relay.stats.relayed + relay.stats.dropped).toBe(400);
    expect(relay.stats.foreign).toBe(1);
    expect(relay.stats.dropped).toBeGreaterThan(150);
    expect(relay.stats.dropped).toBeLessThan(250);
    for (let i = 0; i < 50 && got.length < relay.stats.relayed; i++) await sleep(20);
    expect(got).toHaveLength(relay.stats.relayed);
  });
});

describe("patterns benchmark (loopback)", () => {
  it("reads its neighbours from the pattern", () => {
    expect(inNeighbours("ring", 4, 0).sort()).toEqual([1, 3]);
    for (const p of ["ring", "all-to-all", "mesh2d", "star"] as const) {
      const out = neighbours(p, 6);
      for (let r = 0; r < 6; r++) for (const j of inNeighbours(p, 6, r)) expect(out[j]).toContain(r);
    }
  });

  for (const pattern of ["ring", "all-to-all"] as const) {
    it(`runs ${pattern} on 4 ranks and counts what each sent`, async () => {
      const n = 4;
      const peers = Array.from({ length: n }, (_, i) => `127.0.1.${i + 1}`);
      const port = 40_000 + (process.pid % 20_000);
      const records: Array<{ rank: number; o: Record<string, unknown> }> = [];
      const ctl = Array.from({ length: n }, control);
      const ranks = peers.map((_, rank) =>
        runRank(
          parseConfig(PatternsConfig, { rank, peers, port, pattern, iterations: 5, messageBytes: 100_000, work: 1 }, "test"),
          (o) => records.push({ rank, o: o as Record<string, unknown> }),
          ctl[rank]!.lines,
        ),
      );
      for (let i = 0; i < 200 && records.filter((r) => r.o.ready === true).length < n; i++) await sleep(10);
      for (const c of ctl) c.send("go");
      await Promise.all(ranks);
      for (let rank = 0; rank < n; rank++) {
        const mine = records.filter((r) => r.rank === rank).map((r) => r.o);
        expect(mine.filter((o) => typeof o.iter === "number").map((o) => o.iter)).toEqual([0, 1, 2, 3, 4]);
        const done = mine.find((o) => o.done === true)!;
        expect(done.iterations).toBe(5);
        const expected = Object.fromEntries(neighbours(pattern, n)[rank]!.map((j) => [j, 5 * (100_000 + 8)]));
        expect(done.sentBytes).toEqual(expected);
      }
    });
  }

  it("stops after the current iteration when told to", async () => {
    const peers = ["127.0.2.1", "127.0.2.2"];
    const port = 40_001 + (process.pid % 20_000);
    const ctl = [control(), control()];
    const done: Array<Record<string, unknown>> = [];
    const ranks = peers.map((_, rank) =>
      runRank(
        parseConfig(PatternsConfig, { rank, peers, port, pattern: "ring", messageBytes: 1000 }, "test"),
        (o) => {
          if ((o as { done?: boolean }).done === true) done.push(o as Record<string, unknown>);
        },
        ctl[rank]!.lines,
      ),
    );
    await sleep(300);
    for (const c of ctl) c.send("go");
    await sleep(200);
    for (const c of ctl) c.send("stop");
    await Promise.all(ranks);
    expect(done).toHaveLength(2);
    for (const d of done) expect(d.iterations as number).toBeGreaterThan(0);
  });
});
