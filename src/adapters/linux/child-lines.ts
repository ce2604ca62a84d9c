/**
 * JSON lines from a child process's stdout (vadapt's scripts report that way), with bounded waits for a line of
 * interest. Lines that are not JSON objects are kept as `{ text }`.
 */
import type { ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { ExternalError } from "../../core/errors.js";

export type JsonLine = Readonly<Record<string, unknown>>;

interface Waiter {
  readonly pick: (o: JsonLine) => unknown;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class ChildJsonLines {
  readonly lines: JsonLine[] = [];
  private readonly waiters = new Set<Waiter>();
  private stderr = "";
  private closed: string | null = null;

  constructor(
    readonly child: ChildProcess,
    private readonly what: string,
    private readonly onLine?: (o: JsonLine) => void,
  ) {
    if (child.stdout === null) throw new ExternalError(what, "child has no stdout pipe");
    createInterface({ input: child.stdout }).on("line", (text) => this.add(text));
    child.stderr?.on("data", (b: Buffer) => {
      if (this.stderr.length < 8192) this.stderr += b.toString("utf8");
    });
    child.on("close", (code, signal) => {
      this.closed = `exited with ${code ?? signal}${this.stderr.trim() === "" ? "" : `: ${this.stderr.trim()}`}`;
      for (const w of this.waiters) {
        clearTimeout(w.timer);
        w.reject(new ExternalError(this.what, this.closed));
      }
      this.waiters.clear();
    });
  }

  private add(text: string): void {
    let o: JsonLine;
    try {
      const v: unknown = JSON.parse(text);
      o = typeof v === "object" && v !== null && !Array.isArray(v) ? (v as JsonLine) : { text };
    } catch {
      o = { text };
    }
    this.lines.push(o);
    this.onLine?.(o);
    for (const w of this.waiters) {
      const got = w.pick(o);
      if (got !== undefined) {
        clearTimeout(w.timer);
        this.waiters.delete(w);
        w.resolve(got);
      }
    }
  }

  /** Stderr so far (first 8 KiB). */
  get errors(): string {
    return this.stderr;
  }

  /** The first line (already seen or still to come) for which `pick` returns a value; fails on timeout or exit. */
  waitFor<T>(pick: (o: JsonLine) => T | undefined, timeoutMs: number): Promise<T> {
    for (const o of this.lines) {
      const got = pick(o);
      if (got !== undefined) return Promise.resolve(got);
    }
    if (this.closed !== null) return Promise.reject(new ExternalError(this.what, this.closed));
    return new Promise<T>((resolve, reject) => {
      const w: Waiter = {
        pick,
        resolve: (v) => resolve(v as T),
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(w);
          reject(new ExternalError(this.what, `no expected output within ${timeoutMs} ms${this.stderr.trim() === "" ? "" : `: ${this.stderr.trim()}`}`));
        }, timeoutMs),
      };
      this.waiters.add(w);
    });
  }
}

/** `o[key]` when it is a finite number. */
export function num(o: JsonLine, key: string): number | undefined {
  const v = o[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
