/**
 * An in-process bus with NATS semantics (wildcards, request/reply, no responders), for the what-if planner and
 * tests. Delivery is asynchronous (a microtask), in publication order, so a publisher never re-enters itself.
 * Request timeouts use the injected `setTimer`, so a virtual clock can drive them.
 */
import { BusTimeoutError, NoRespondersError, subjectMatches, type Bus, type BusMessage, type BusSubscription } from "./bus.js";

export interface Timers {
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

const realTimers: Timers = {
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class MemoryBus implements Bus {
  private readonly subs = new Set<{ pattern: string; handler: (m: BusMessage) => void }>();
  private closed = false;
  private pending: Promise<void> = Promise.resolve();
  published = 0;

  constructor(private readonly timers: Timers = realTimers) {}

  private deliver(msg: BusMessage): number {
    const targets = [...this.subs].filter((s) => subjectMatches(s.pattern, msg.subject));
    this.pending = this.pending.then(() => {
      for (const t of targets) t.handler(msg);
    });
    return targets.length;
  }

  publish(subject: string, data: Uint8Array): void {
    if (this.closed) return;
    this.published++;
    this.deliver({ subject, data });
  }

  subscribe(subject: string, handler: (msg: BusMessage) => void): BusSubscription {
    const sub = { pattern: subject, handler };
    this.subs.add(sub);
    return { unsubscribe: () => this.subs.delete(sub) };
  }

  request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      let answered = false;
      const timer = this.timers.setTimer(() => {
        if (answered) return;
        answered = true;
        reject(new BusTimeoutError(subject, timeoutMs));
      }, timeoutMs);
      const respond = (reply: Uint8Array): void => {
        if (answered) return;
        answered = true;
        this.timers.clearTimer(timer);
        resolve(reply);
      };
      const n = this.closed ? 0 : this.deliver({ subject, data, respond });
      if (n === 0) {
        answered = true;
        this.timers.clearTimer(timer);
        reject(new NoRespondersError(subject));
      }
    });
  }

  async flush(): Promise<void> {
    await this.pending;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subs.clear();
    await this.pending;
  }
}
