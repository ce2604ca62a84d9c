/**
 * The BSP "patterns" benchmark (after the Virtuoso/VADAPT papers' synthetic BSP application): one rank per VM;
 * every iteration computes (a busy loop of `work` units) and then exchanges `messageBytes` with each neighbour of
 * its pattern (src/core/synth/neighbours.ts) over persistent TCP connections, and waits for its neighbours'
 * messages of that iteration before the next. Run inside a VM's namespace:
 *
 *   ip netns exec <vm> node patterns.js '<json config>'
 *
 * Output, JSON lines on stdout: `{"ready":true}` once connected to every neighbour (then it waits for `go` on
 * stdin), one `{"iter","ms","computeMs","tMs"}` per iteration, and `{"done":true,"iterations","sentBytes":{…}}`
 * at the end (after `iterations`, or after `stop` or end of stdin). `sentBytes[j]` counts every byte written to
 * rank j's connection (8-byte message header included).
 */
import { once } from "node:events";
import net from "node:net";
import { createInterface } from "node:readline";
import { z } from "zod";
import { BSP_PATTERNS, neighbours, type BspPattern } from "../core/synth/neighbours.js";
import { parseConfig } from "../core/validate.js";
import { isMain } from "./is-main.js";

export const PatternsConfig = z
  .object({
    rank: z.number().int().nonnegative(),
    /** Address of every rank, by rank. */
    peers: z.array(z.string().min(1)).min(2),
    port: z.number().int().min(1).max(65535).default(46_000),
    pattern: z.enum(BSP_PATTERNS as [BspPattern, ...BspPattern[]]),
    /** Stop after this many iterations (0: run until `stop`). */
    iterations: z.number().int().nonnegative().default(0),
    /** Compute per iteration, in units of 100,000 steps of an integer mixing loop. */
    work: z.number().nonnegative().default(0),
    messageBytes: z.number().int().positive().max(256 * 1024 * 1024),
    connectTimeoutMs: z.number().int().positive().default(30_000),
  })
  .refine((c) => c.rank < c.peers.length, { message: "rank must be below the number of peers", path: ["rank"] });
export type PatternsConfig = z.infer<typeof PatternsConfig>;
export type PatternsConfigInput = z.input<typeof PatternsConfig>;

const HEADER_BYTES = 8;
const STEPS_PER_UNIT = 100_000;

/** The busy loop: `units` × 100,000 steps of xorshift mixing. Returns a value so it cannot be optimised away. */
export function compute(units: number): number {
  let x = 0x9e3779b9;
  const steps = Math.round(units * STEPS_PER_UNIT);
  for (let i = 0; i < steps; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x;
}

/** Ranks that send to `rank` under the pattern. */
export function inNeighbours(pattern: BspPattern, n: number, rank: number): number[] {
  return neighbours(pattern, n)
    .map((out, j) => (out.includes(rank) ? j : -1))
    .filter((j) => j >= 0);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function connectWithRetry(host: string, port: number, deadline: number): Promise<net.Socket> {
  for (;;) {
    try {
      const s = net.connect({ host, port, noDelay: true });
      await once(s, "connect");
      return s;
    } catch (e) {
      if (performance.now() > deadline) throw new Error(`cannot connect to ${host}:${port}: ${e instanceof Error ? e.message : String(e)}`);
      await sleep(50);
    }
  }
}

/** Counts complete messages per iteration from a byte stream of `[iter u32][len u32][payload]` frames. */
class FrameCounter {
  private header = Buffer.alloc(HEADER_BYTES);
  private headerFill = 0;
  private remaining = 0;
  private iter = 0;
  constructor(private readonly onMessage: (iter: number) => void) {}
  push(b: Buffer): void {
    let i = 0;
    while (i < b.length) {
      if (this.remaining === 0 && this.headerFill < HEADER_BYTES) {
        const n = Math.min(HEADER_BYTES - this.headerFill, b.length - i);
        b.copy(this.header, this.headerFill, i, i + n);
        this.headerFill += n;
        i += n;
        if (this.headerFill === HEADER_BYTES) {
          this.iter = this.header.readUInt32BE(0);
          this.remaining = this.header.readUInt32BE(4);
          if (this.remaining === 0) this.complete();
        }
        continue;
      }
      const n = Math.min(this.remaining, b.length - i);
      i += n;
      this.remaining -= n;
      if (this.remaining === 0) this.complete();
    }
  }
  private complete(): void {
    this.headerFill = 0;
    this.onMessage(this.iter);
  }
}

export async function runRank(cfg: PatternsConfig, out: (o: object) => void, control: AsyncIterable<string>): Promise<void> {
  const n = cfg.peers.length;
  const outs = neighbours(cfg.pattern, n)[cfg.rank] ?? [];
  const ins = inNeighbours(cfg.pattern, n, cfg.rank);
  /** Per iteration, the in-neighbours whose message of that iteration has arrived in full. */
  const received = new Map<number, Set<number>>();
  const sent: Record<number, number> = {};
  const signal: { wake: (() => void) | null } = { wake: null };
  const onMessage = (from: number, iter: number): void => {
    let got = received.get(iter);
    if (got === undefined) received.set(iter, (got = new Set()));
    got.add(from);
    signal.wake?.();
  };
  const count = (iter: number): number => received.get(iter)?.size ?? 0;

  /**
   * In-neighbours whose connection has closed. A neighbour that has finished its last iteration closes normally
   * while others may still be sending to us, so a close only ends the run when the closed neighbour's message of
   * the current iteration is still missing.
   */
  const gone = new Set<number>();
  const server = net.createServer({ noDelay: true });
  const inbound = new Map<number, net.Socket>();
  let inboundReady: (() => void) | null = null;
  server.on("connection", (sock) => {
    let hello = Buffer.alloc(0);
    let from = -1;
    const counter = new FrameCounter((iter) => onMessage(from, iter));
    sock.on("data", (b: Buffer) => {
      if (from < 0) {
        hello = Buffer.concat([hello, b]);
        if (hello.length < 4) return;
        from = hello.readUInt32BE(0);
        inbound.set(from, sock);
        if (inbound.size === ins.length) inboundReady?.();
        if (hello.length > 4) counter.push(hello.subarray(4));
        return;
      }
      counter.push(b);
    });
    sock.on("error", () => undefined);
    sock.on("close", () => {
      if (from >= 0) gone.add(from);
      signal.wake?.();
    });
  });
  server.listen(cfg.port, cfg.peers[cfg.rank]);
  await once(server, "listening");
  const allIn = ins.length === 0 ? Promise.resolve() : new Promise<void>((r) => (inboundReady = r));

  const deadline = performance.now() + cfg.connectTimeoutMs;
  const conns = new Map<number, net.Socket>();
  await Promise.all(
    outs.map(async (j) => {
      const s = await connectWithRetry(cfg.peers[j]!, cfg.port, deadline);
      s.on("error", () => undefined);
      const hello = Buffer.alloc(4);
      hello.writeUInt32BE(cfg.rank, 0);
      s.write(hello);
      conns.set(j, s);
    }),
  );
  await Promise.race([allIn, sleep(cfg.connectTimeoutMs).then(() => Promise.reject(new Error(`only ${inbound.size} of ${ins.length} neighbours connected`)))]);
  out({ ready: true, rank: cfg.rank, outs, ins });

  const lines = control[Symbol.asyncIterator]();
  for (;;) {
    const l = await lines.next();
    if (l.done === true || l.value.trim() === "stop") return finish(0);
    if (l.value.trim() === "go") break;
  }
  let stop = false;
  void (async () => {
    for (;;) {
      const l = await lines.next();
      if (l.done === true || l.value.trim() === "stop") {
        stop = true;
        signal.wake?.();
        return;
      }
    }
  })();

  const payload = Buffer.alloc(cfg.messageBytes, 0x61);
  const header = Buffer.alloc(HEADER_BYTES);
  let iter = 0;
  let sink = 0;
  for (; cfg.iterations === 0 || iter < cfg.iterations; iter++) {
    if (stop) break;
    const t0 = performance.now();
    sink ^= compute(cfg.work);
    const t1 = performance.now();
    for (const j of outs) {
      const s = conns.get(j)!;
      header.writeUInt32BE(iter >>> 0, 0);
      header.writeUInt32BE(cfg.messageBytes, 4);
      s.write(Buffer.from(header));
      s.write(payload);
      sent[j] = (sent[j] ?? 0) + HEADER_BYTES + cfg.messageBytes;
    }
    const stalled = (): boolean => ins.some((j) => gone.has(j) && received.get(iter)?.has(j) !== true);
    while (count(iter) < ins.length) {
      if (stop || stalled()) break;
      await new Promise<void>((r) => (signal.wake = r));
      signal.wake = null;
    }
    if (count(iter) < ins.length) break;
    received.delete(iter);
    out({ iter, ms: performance.now() - t0, computeMs: t1 - t0, tMs: Date.now() });
  }
  return finish(iter);

  async function finish(iterations: number): Promise<void> {
    out({ done: true, rank: cfg.rank, iterations, sentBytes: sent, check: sink & 1 });
    await Promise.all([...conns.values()].map((s) => new Promise<void>((r) => s.end(() => r()))));
    for (const s of inbound.values()) s.destroy();
    server.close();
  }
}

async function main(): Promise<void> {
  const arg = process.argv[2];
  if (arg === undefined) throw new Error("usage: patterns '<json config>'");
  const cfg = parseConfig(PatternsConfig, JSON.parse(arg), "patterns config");
  const rl = createInterface({ input: process.stdin });
  await runRank(cfg, (o) => process.stdout.write(`${JSON.stringify(o)}\n`), rl);
  rl.close();
  process.exit(0);
}

if (isMain(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`patterns: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
