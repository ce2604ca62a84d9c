/**
 * A bulk TCP transfer between two namespaces: the pre-copy of a migration (the VM's memory size sent over the
 * underlay) and the Node fallback of the overlay throughput benchmark.
 *
 *   node bulk.js sink [--port P] [--bind IP]            accepts one connection (port 0 or none: any free port), counts bytes until EOF
 *   node bulk.js source --to IP --port P (--bytes N | --seconds S)
 *
 * Both print one JSON line when done: `{"role","bytes","ms","mbps"}`; the sink prints `{"listening":P}` first.
 */
import { once } from "node:events";
import net from "node:net";
import { parseArgs } from "node:util";
import { z } from "zod";
import { parseConfig } from "../core/validate.js";
import { isMain } from "./is-main.js";

const CHUNK = Buffer.alloc(256 * 1024, 0x5a);
const CONNECT_ATTEMPTS = 100;
const CONNECT_RETRY_MS = 50;

export interface BulkResult {
  readonly role: "sink" | "source";
  readonly bytes: number;
  readonly ms: number;
  readonly mbps: number;
}

const result = (role: BulkResult["role"], bytes: number, ms: number): BulkResult => ({ role, bytes, ms, mbps: ms > 0 ? (bytes * 8) / (ms * 1000) : 0 });

/** Accepts one connection on `port` (0: any free port) and counts what arrives until the sender closes. */
export async function sink(port: number, bind: string, onListening: (port: number) => void): Promise<BulkResult> {
  const server = net.createServer();
  server.listen(port, bind);
  await once(server, "listening");
  const addr = server.address();
  onListening(typeof addr === "object" && addr !== null ? addr.port : port);
  const [sock] = (await once(server, "connection")) as [net.Socket];
  server.close();
  const t0 = performance.now();
  let bytes = 0;
  sock.on("data", (b: Buffer) => {
    bytes += b.length;
  });
  await once(sock, "end");
  sock.end();
  return result("sink", bytes, performance.now() - t0);
}

async function connect(host: string, port: number): Promise<net.Socket> {
  let last: unknown;
  for (let i = 0; i < CONNECT_ATTEMPTS; i++) {
    try {
      const s = net.connect(port, host);
      await once(s, "connect");
      return s;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, CONNECT_RETRY_MS));
    }
  }
  throw new Error(`cannot connect to ${host}:${port}: ${last instanceof Error ? last.message : String(last)}`);
}

/** Sends `bytes` bytes, or as much as possible for `seconds`, then closes and waits for the sink to close. */
export async function source(host: string, port: number, limit: { bytes: number } | { seconds: number }): Promise<BulkResult> {
  const sock = await connect(host, port);
  const t0 = performance.now();
  let sent = 0;
  const done = (): boolean => ("bytes" in limit ? sent >= limit.bytes : performance.now() - t0 >= limit.seconds * 1000);
  while (!done()) {
    const n = "bytes" in limit ? Math.min(CHUNK.length, limit.bytes - sent) : CHUNK.length;
    sent += n;
    if (!sock.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) await once(sock, "drain");
  }
  sock.end();
  await once(sock, "close");
  return result("source", sent, performance.now() - t0);
}

const Args = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("sink"), port: z.coerce.number().int().min(0).max(65535).default(0), bind: z.string().default("0.0.0.0") }),
  z.object({
    mode: z.literal("source"),
    to: z.string().min(1),
    port: z.coerce.number().int().min(1).max(65535),
    bytes: z.coerce.number().int().nonnegative().optional(),
    seconds: z.coerce.number().positive().max(3600).optional(),
  }),
]);

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { port: { type: "string" }, bind: { type: "string" }, to: { type: "string" }, bytes: { type: "string" }, seconds: { type: "string" } },
    allowPositionals: true,
  });
  const a = parseConfig(Args, { mode: positionals[0], ...values }, "bulk arguments");
  const r =
    a.mode === "sink"
      ? await sink(a.port, a.bind, (port) => process.stdout.write(`${JSON.stringify({ listening: port })}\n`))
      : await source(a.to, a.port, a.bytes !== undefined ? { bytes: a.bytes } : { seconds: a.seconds ?? 5 });
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

if (isMain(import.meta.url)) {
  main().catch((e: unknown) => {
    process.stderr.write(`bulk: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
