/** Clocks for the loop's shells: the service runs on wall time, the what-if planner on a trace's virtual time. */
import type { Timers } from "../adapters/bus/memory.js";

export interface Clock extends Timers {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const wallClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Virtual time: `now()` is whatever `advanceTo` set; timers fire when time passes their due time. Sleeping
 * resolves at once after moving time forward (nothing else runs in virtual time meanwhile).
 */
export class VirtualClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly timers = new Map<number, { due: number; fn: () => void }>();

  constructor(startMs = 0) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { due: this.t + ms, fn });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  async sleep(ms: number): Promise<void> {
    this.advanceTo(this.t + ms);
  }

  /** Moves time forward (never back) and fires the timers now due, in due order. */
  advanceTo(tMs: number): void {
    if (tMs > this.t) this.t = tMs;
    const due = [...this.timers.entries()].filter(([, x]) => x.due <= this.t).sort((a, b) => a[1].due - b[1].due || a[0] - b[0]);
    for (const [id, x] of due) {
      this.timers.delete(id);
      x.fn();
    }
  }
}
