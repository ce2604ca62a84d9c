/**
 * Running the kernel's configuration tools (`ip`, `bridge`, `nft`, `tc`) with a timeout, and failing with a typed
 * error that carries the command line and its stderr.
 */
import { spawn, spawnSync } from "node:child_process";
import { ExternalError } from "../../core/errors.js";

/** A command that could not be started, timed out or exited non-zero. */
export class CommandError extends ExternalError {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(argv: readonly string[], exitCode: number | null, stderr: string, why: string, options?: { cause?: unknown }) {
    super(argv[0] ?? "command", `\`${argv.join(" ")}\` ${why}${stderr.trim() === "" ? "" : `: ${stderr.trim()}`}`, options);
    this.argv = argv;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

export interface RunOptions {
  /** Text written to the command's stdin (for `ip -batch -`, `nft -f -`). */
  readonly input?: string;
  /** Default 10 s. */
  readonly timeoutMs?: number;
  /** Exit codes that count as success besides 0 (ping exits 1 when no reply came back). */
  readonly okCodes?: readonly number[];
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Runs `argv` and returns its stdout; throws {@link CommandError} on failure. */
export function run(argv: readonly string[], opts: RunOptions = {}): Promise<string> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) return Promise.reject(new CommandError(argv, null, "", "is empty"));
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new CommandError(argv, null, "", `could not start (${e.message})`, { cause: e }));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString("utf8");
      if (timedOut) reject(new CommandError(argv, code, stderr, `timed out after ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`));
      else if (code !== 0 && !(code !== null && opts.okCodes?.includes(code) === true)) reject(new CommandError(argv, code, stderr, `exited with ${code}`));
      else resolve(Buffer.concat(out).toString("utf8"));
    });
    child.stdin.on("error", () => undefined); // a command that exits early closes its stdin; the exit code tells
    child.stdin.end(opts.input ?? "");
  });
}

/** Runs `argv` inside a network namespace (`ip netns exec`). */
export function runIn(netns: string, argv: readonly string[], opts?: RunOptions): Promise<string> {
  return run(["ip", "netns", "exec", netns, ...argv], opts);
}

/** Runs many `ip` commands in one namespace in one process (`ip -n <ns> -batch -`). */
export function ipBatch(netns: string, lines: readonly string[], opts?: RunOptions): Promise<string> {
  if (lines.length === 0) return Promise.resolve("");
  return run(["ip", "-n", netns, "-batch", "-"], { ...opts, input: lines.join("\n") + "\n" });
}

/** Runs many `bridge` commands in one namespace in one process. */
export function bridgeBatch(netns: string, lines: readonly string[], opts?: RunOptions): Promise<string> {
  if (lines.length === 0) return Promise.resolve("");
  return run(["bridge", "-n", netns, "-batch", "-"], { ...opts, input: lines.join("\n") + "\n" });
}

/** Applies an nft script atomically inside a namespace (`nft -f -`). */
export function nftApply(netns: string, script: string, opts?: RunOptions): Promise<string> {
  return runIn(netns, ["nft", "-f", "-"], { ...opts, input: script });
}

/** Where `ip netns` keeps a named namespace (the file its lock is taken on). */
export const netnsPath = (netns: string): string => `/run/netns/${netns}`;

/**
 * Runs `fn` holding an exclusive lock on a network namespace: `flock(1)` on the namespace's file, held by a child
 * (`flock … cat`) until `fn` settles. It serializes read-modify-write changes to a namespace's state across
 * processes (agents of different hosts touch each other's namespaces); the lock lives only as long as that child,
 * so a crash releases it, and it needs no file besides the namespace's own.
 */
export async function withNetnsLock<T>(netns: string, fn: () => Promise<T>, opts: { timeoutMs?: number } = {}): Promise<T> {
  const timeoutS = Math.max(1, Math.ceil((opts.timeoutMs ?? 30_000) / 1000));
  const argv = ["flock", "-w", String(timeoutS), netnsPath(netns), "cat"];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
  const err: Buffer[] = [];
  child.stderr.on("data", (b: Buffer) => err.push(b));
  child.stdin.on("error", () => undefined);
  const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
  // `cat` echoes this line once flock holds the lock.
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout.once("data", () => resolve());
    child.on("error", (e) => reject(new CommandError(argv, null, "", `could not start (${e.message})`, { cause: e })));
    void closed.then((code) => reject(new CommandError(argv, code, Buffer.concat(err).toString("utf8"), `exited with ${code} before taking the lock`)));
  });
  child.stdin.write("\n");
  try {
    await locked;
    return await fn();
  } finally {
    child.stdin.end();
    const stuck = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await closed;
    clearTimeout(stuck);
  }
}

/** Which of the given commands are missing from PATH. */
export function missingTools(tools: readonly string[]): string[] {
  return tools.filter((t) => spawnSync("sh", ["-c", `command -v ${t}`], { stdio: "ignore" }).status !== 0);
}

/** The tools the Linux overlay and the testbed need. */
export const LINUX_TOOLS = ["ip", "bridge", "nft", "tc", "flock"] as const;

/**
 * Why the Linux overlay cannot run here (not root, or a tool missing), or null when it can. Tests skip with this
 * message; the CLI fails with it.
 */
export function linuxOverlayUnavailable(): string | null {
  if (process.platform !== "linux") return `needs Linux (this is ${process.platform})`;
  if (typeof process.getuid === "function" && process.getuid() !== 0) return "needs root (network namespaces, bridges, nftables)";
  const missing = missingTools(LINUX_TOOLS);
  return missing.length === 0 ? null : `missing ${missing.join(", ")} (apt-get install iproute2 nftables util-linux)`;
}
