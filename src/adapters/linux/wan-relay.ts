/**
 * The WAN emulator's delay and loss, for kernels without `sch_netem`: a UDP relay that runs in a site router's
 * namespace. Each relayed tunnel (see tunnelOf in src/core/testbed/layout.ts) sends its VXLAN datagrams to the
 * local site router on a port of its own; the relay holds each datagram for the site pair's one-way delay, drops
 * it with the pair's loss probability (seeded), and sends it on to the far host on the same port. The rate limit
 * stays in the kernel (tbf on the site-to-site veths, after the relay). The relay also fills in inner TCP/UDP
 * checksums left to offload (see inner-checksum.ts).
 *
 *   node wan-relay.js '<json config>'      prints {"ready":true,…} once every socket is bound; SIGTERM stops it
 */
import dgram from "node:dgram";
import { once } from "node:events";
import { z } from "zod";
import { createRng } from "../../core/rng.js";
import { parseConfig } from "../../core/validate.js";
import { isMain } from "../../workload/is-main.js";
import { fixInnerChecksum } from "./inner-checksum.js";

export const RelayConfig = z.object({
  bindIp: z.string().min(1),
  seed: z.number().int().default(1),
  /** Most bytes held per route; datagrams beyond are dropped (a full WAN buffer). */
  maxQueueBytes: z.number().int().positive().default(16 * 1024 * 1024),
  routes: z
    .array(
      z.object({
        port: z.number().int().min(1).max(65535),
        localIp: z.string().min(1),
        remoteIp: z.string().min(1),
        /** Port at the far host; the same as `port` in the testbed. */
        remotePort: z.number().int().min(1).max(65535).optional(),
        delayMs: z.number().min(0),
        lossPct: z.number().min(0).max(100),
      }),
    )
    .min(1),
});
export type RelayConfig = z.infer<typeof RelayConfig>;
export type RelayConfigInput = z.input<typeof RelayConfig>;

export interface RelayStats {
  relayed: number;
  dropped: number;
  overflow: number;
  foreign: number;
}

export interface Relay {
  readonly stats: RelayStats;
  close(): Promise<void>;
}

interface Held {
  readonly dueMs: number;
  readonly data: Buffer;
}

/** Binds one socket per route and starts relaying. */
export async function startRelay(input: RelayConfigInput): Promise<Relay> {
  const cfg = parseConfig(RelayConfig, input, "relay config");
  const rng = createRng(cfg.seed);
  const stats: RelayStats = { relayed: 0, dropped: 0, overflow: 0, foreign: 0 };
  const sockets: dgram.Socket[] = [];
  const timers = new Set<NodeJS.Timeout>();
  for (const r of cfg.routes) {
    const sock = dgram.createSocket({ type: "udp4", recvBufferSize: 8 * 1024 * 1024, sendBufferSize: 8 * 1024 * 1024 });
    sockets.push(sock);
    const queue: Held[] = [];
    let head = 0;
    let heldBytes = 0;
    let timer: NodeJS.Timeout | null = null;
    const remotePort = r.remotePort ?? r.port;
    const flush = (): void => {
      timer = null;
      const now = performance.now();
      while (head < queue.length && queue[head]!.dueMs <= now + 0.5) {
        const h = queue[head++]!;
        heldBytes -= h.data.length;
        sock.send(h.data, remotePort, r.remoteIp);
        stats.relayed++;
      }
      if (head > 1024 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
      schedule();
    };
    const schedule = (): void => {
      if (timer !== null || head >= queue.length) return;
      const t = setTimeout(() => {
        timers.delete(t);
        flush();
      }, Math.max(0, queue[head]!.dueMs - performance.now()));
      timer = t;
      timers.add(t);
    };
    sock.on("message", (data, rinfo) => {
      if (rinfo.address !== r.localIp) {
        stats.foreign++;
        return;
      }
      if (r.lossPct > 0 && rng.next() * 100 < r.lossPct) {
        stats.dropped++;
        return;
      }
      fixInnerChecksum(data);
      if (heldBytes + data.length > cfg.maxQueueBytes) {
        stats.overflow++;
        return;
      }
      if (r.delayMs === 0) {
        sock.send(data, remotePort, r.remoteIp);
        stats.relayed++;
        return;
      }
      queue.push({ dueMs: performance.now() + r.delayMs, data });
      heldBytes += data.length;
      schedule();
    });
    sock.bind(r.port, cfg.bindIp);
    await once(sock, "listening");
  }
  return {
    stats,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      await Promise.all(sockets.map((s) => new Promise<void>((res) => s.close(() => res()))));
    },
  };
}

async function main(): Promise<void> {
  const arg = process.argv[2];
  if (arg === undefined) throw new Error("usage: wan-relay '<json config>'");
  const relay = await startRelay(JSON.parse(arg) as RelayConfigInput);
  process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid })}\n`);
  const report = setInterval(() => process.stdout.write(`${JSON.stringify(relay.stats)}\n`), 10_000);
  const stop = (): void => {
    clearInterval(report);
    void relay.close().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (isMain(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`wan-relay: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
