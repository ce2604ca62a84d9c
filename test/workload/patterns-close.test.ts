/**
 * The patterns benchmark's end of run: a neighbour that closes its connection after sending everything must not
 * cut short a rank still waiting for another neighbour's last message (that rank would quit mid-message, and the
 * bytes its sender counted would never cross the wire); a neighbour that closes before sending still ends the run.
 *
 * Ranks 0 and 1 are real; the test plays rank 2 of a 3-rank ring by hand, so the order of events is fixed.
 */
import { once } from "node:events";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/core/validate.js";
import { PatternsConfig, runRank } from "../../src/workload/patterns.js";
import { control } from "../helpers/control.js";

const MESSAGE_BYTES = 1000;

/** One framed message of iteration `iter`: `[iter u32][len u32][payload]`. */
function frame(iter: number): Buffer {
  const b = Buffer.alloc(8 + MESSAGE_BYTES, 0x62);
  b.writeUInt32BE(iter, 0);
  b.writeUInt32BE(MESSAGE_BYTES, 4);
  return b;
}

async function dial(host: string, port: number, from: number): Promise<net.Socket> {
  for (;;) {
    const s = net.connect({ host, port });
    try {
      await once(s, "connect");
      const hello = Buffer.alloc(4);
      hello.writeUInt32BE(from, 0);
      s.write(hello);
      return s;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

async function scenario(net3: string, sendBeforeClose: boolean): Promise<Array<Record<string, unknown>>> {
  const peers = [1, 2, 3].map((i) => `127.0.${net3}.${i}`);
  const port = 41_000 + (process.pid % 20_000);
  // Rank 2 (the test): accept the real ranks' connections and drain them.
  const fake = net.createServer((s) => s.resume());
  fake.listen(port, peers[2]);
  await once(fake, "listening");
  const done: Array<Record<string, unknown>> = [];
  const ready: number[] = [];
  const ctl = [control(), control()];
  const ranks = [0, 1].map((rank) =>
    runRank(
      parseConfig(PatternsConfig, { rank, peers, port, pattern: "ring", iterations: 1, messageBytes: MESSAGE_BYTES }, "test"),
      (o) => {
        const r = o as Record<string, unknown>;
        if (r.ready === true) ready.push(rank);
        if (r.done === true) done[rank] = r;
      },
      ctl[rank]!.lines,
    ),
  );
  const to0 = await dial(peers[0]!, port, 2);
  const to1 = await dial(peers[1]!, port, 2);
  while (ready.length < 2) await new Promise((r) => setTimeout(r, 10));
  // Rank 1 starts; rank 2 delivers its message to rank 1 (or not) and hangs up, before rank 0 has sent anything.
  ctl[1]!.send("go");
  await new Promise<void>((r) => to1.end(sendBeforeClose ? frame(0) : Buffer.alloc(0), () => r()));
  await new Promise((r) => setTimeout(r, 100));
  // Now rank 0 starts and rank 2 delivers to it too.
  ctl[0]!.send("go");
  to0.write(frame(0));
  await Promise.all(ranks);
  to0.destroy();
  fake.close();
  return done;
}

describe("patterns benchmark: neighbours closing", () => {
  it("finishes the iteration when a neighbour hangs up after sending its last message", async () => {
    const done = await scenario("3", true);
    expect(done[1]!.iterations).toBe(1);
    expect(done[0]!.iterations).toBe(1);
  });

  it("ends the run when a neighbour hangs up before sending its message", async () => {
    const done = await scenario("4", false);
    expect(done[1]!.iterations).toBe(0);
  });
});
