/**
 * The messaging interface the service, the agents and the what-if planner share. Two transports implement it:
 * NATS (nats.ts) for the running system, and an in-process bus (memory.ts) for the planner and tests.
 */
import { ErrorCode, VadaptError } from "../../core/errors.js";

export interface BusMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  /** Present on requests: sends the reply. */
  readonly respond?: (data: Uint8Array) => void;
}

export interface BusSubscription {
  unsubscribe(): void;
}

export interface Bus {
  publish(subject: string, data: Uint8Array): void;
  /** Subscribes with NATS wildcards (`*` one token, `>` the rest). */
  subscribe(subject: string, handler: (msg: BusMessage) => void): BusSubscription;
  /** Sends a request and waits for one reply; rejects with a {@link BusTimeoutError} after `timeoutMs`. */
  request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  /** Waits until everything published so far has reached the server (or the subscribers). */
  flush(): Promise<void>;
  close(): Promise<void>;
}


/** No reply within the timeout (the agent is down, or the broker lost the message). */
export class BusTimeoutError extends VadaptError {
  constructor(subject: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(ErrorCode.External, `no reply on ${subject} within ${timeoutMs} ms`, options);
  }
}

/** No subscriber for a request's subject. */
export class NoRespondersError extends VadaptError {
  constructor(subject: string, options?: { cause?: unknown }) {
    super(ErrorCode.External, `no responders on ${subject}`, options);
  }
}

/** Whether `subject` matches the NATS pattern `pattern`. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split(".");
  const s = subject.split(".");
  for (let i = 0; i < p.length; i++) {
    if (p[i] === ">") return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== "*" && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}
