/**
 * Starts a real nats-server for a test run, on a free loopback port, with JetStream in a temporary directory.
 * Where the binary is absent the tests that need it skip with a loud message.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe } from "vitest";

export const NATS_SERVER = ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"].find((p) => spawnSync(p, ["--version"]).status === 0);

/** `describe` that runs only where nats-server is installed, and says so loudly when it is not. */
export function describeWithNats(name: string, fn: () => void): void {
  if (NATS_SERVER === undefined) {
    process.stderr.write(`\n*** SKIPPING "${name}": nats-server not found (apt-get install -y nats-server) ***\n\n`);
    describe.skip(name, fn);
    return;
  }
  describe(name, fn);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface NatsServerHandle {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Kills the server (SIGKILL: a crash, not a clean shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same store. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts nats-server; `config` is extra nats-server configuration text (accounts, authorization, ...). */
export async function startNatsServer(config = ""): Promise<NatsServerHandle> {
  if (NATS_SERVER === undefined) throw new Error("nats-server not installed");
  const bin = NATS_SERVER;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "vadapt-nats-"));
  const conf = join(dir, "nats.conf");
  writeFileSync(conf, `listen: 127.0.0.1:${port}\njetstream { store_dir: "${join(dir, "js")}" }\n${config}\n`);
  let proc: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    proc = spawn(bin, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    proc.stderr?.on("data", (d: Buffer) => {
      log += d.toString();
    });
    const deadline = Date.now() + 10_000;
    while (!/Server is ready/.test(log)) {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`nats-server did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const p = proc;
    if (p === null || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once("exit", r));
    p.kill(signal);
    await exited;
    proc = null;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    dir,
    kill: () => halt("SIGKILL"),
    restart: start,
    stop: async () => {
      await halt("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
