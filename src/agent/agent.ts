/**
 * A host agent: publishes its host's traffic, load and link reports, and executes plan actions sent to it,
 * acknowledging each. Commands are idempotent by action id: a retried or duplicated command is answered with the
 * first execution's result and is not executed again.
 */
import { Buffer } from "node:buffer";
import type { Bus, BusSubscription } from "../adapters/bus/bus.js";
import { encodeCells } from "../core/messages/cells.js";
import { Ack, Command, type LinkReport, type LoadReport, type TrafficReport } from "../core/messages/payloads.js";
import { subjects } from "../core/messages/subjects.js";
import type { HostId } from "../core/model/ids.js";
import { spreadEntries } from "../core/model/traffic.js";
import { check } from "../core/validate.js";
import type { TrafficSource } from "../adapters/overlay.js";
import type { HostActuator } from "./host.js";

export interface AgentOptions {
  readonly bus: Bus;
  readonly overlay: string;
  readonly host: HostId;
  readonly sources: TrafficSource;
  readonly actuator: HostActuator;
  readonly now: () => number;
  /** Called for each command handled (for logs and tests). */
  readonly onCommand?: (cmd: Command, ack: Ack) => void;
  /** Called for a message on the command subject that is not a valid command. */
  readonly onReject?: (reason: string) => void;
}

const encode = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));

export class Agent {
  private seq = 0;
  private sub: BusSubscription | null = null;
  private readonly results = new Map<string, Promise<Ack>>();
  /** Whether a link probe is running (probes of successive intervals never overlap). */
  private probing = false;
  /** Actions executed (not counting duplicates). */
  executed = 0;

  constructor(private readonly o: AgentOptions) {
    // Sequence numbers grow across restarts (the optimizer rejects a number it has seen as a replay).
    this.seq = Math.floor(o.now()) * 1000;
  }

  start(): void {
    this.sub = this.o.bus.subscribe(subjects.cmd(this.o.overlay, this.o.host), (m) => {
      void this.handle(m.data).then((ack) => {
        if (ack !== null) m.respond?.(encode(ack));
      });
    });
  }

  stop(): void {
    this.sub?.unsubscribe();
    this.sub = null;
  }

  private async handle(data: Uint8Array): Promise<Ack | null> {
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(data).toString("utf8"));
    } catch {
      this.o.onReject?.("command is not JSON");
      return null;
    }
    const c = check(Command, raw);
    if (!c.ok) {
      this.o.onReject?.(`invalid command: ${c.problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`);
      return null;
    }
    const cmd = c.value;
    if (cmd.overlay !== this.o.overlay) {
      this.o.onReject?.(`command for overlay ${cmd.overlay}`);
      return null;
    }
    const prior = this.results.get(cmd.actionId);
    if (prior !== undefined) {
      const ack = { ...(await prior), duplicate: true };
      this.o.onCommand?.(cmd, ack);
      return ack;
    }
    const run = (async (): Promise<Ack> => {
      try {
        await this.o.actuator.execute(cmd.spec, cmd.macs);
        this.executed++;
        return { v: 1, actionId: cmd.actionId, host: this.o.host, ok: true, duplicate: false };
      } catch (e) {
        return { v: 1, actionId: cmd.actionId, host: this.o.host, ok: false, duplicate: false, error: e instanceof Error ? e.message : String(e), retryable: false };
      }
    })();
    this.results.set(cmd.actionId, run);
    const ack = await run;
    // A failed action may be retried with the same id: forget failures, remember successes.
    if (!ack.ok) this.results.delete(cmd.actionId);
    this.o.onCommand?.(cmd, ack);
    return Ack.parse(ack);
  }

  /**
   * Reads the host's sources for one interval and publishes the three reports, each as soon as its source answers:
   * the traffic counters (read at the interval's end) never wait for the link probes, which take up to their
   * timeout on a lossy link, so a traffic report reaches the optimizer within its grace time and in interval order.
   * A link probe still running from an earlier interval is not started again; that interval has no link report.
   *
   * `intervals` > 1 reports the `intervals` consecutive intervals from `startMs` at once (the reporting timer
   * fired late, e.g. on a blocked event loop): the traffic read then is spread evenly across them, so each
   * interval of the grid still has a traffic report and nothing counted is lost.
   */
  async report(startMs: number, intervalMs: number, intervals = 1): Promise<void> {
    const { bus, overlay, host, sources } = this.o;
    const endMs = startMs + intervals * intervalMs;
    const traffic = sources.readTraffic(startMs, intervals * intervalMs).then((entries) => {
      spreadEntries(entries, intervals).forEach((cells, k) => {
        const sentMs = this.o.now();
        const t: TrafficReport = { v: 1, overlay, host, seq: ++this.seq, sentMs, startMs: startMs + k * intervalMs, intervalMs, cells: Buffer.from(encodeCells(cells)).toString("base64") };
        bus.publish(subjects.report(overlay, "traffic", host), encode(t));
      });
    });
    const load = sources.readLoad().then((sample) => {
      const l: LoadReport = { v: 1, overlay, host, seq: ++this.seq, sentMs: this.o.now(), tMs: endMs, ...sample };
      bus.publish(subjects.report(overlay, "load", host), encode(l));
    });
    const links = this.probing
      ? Promise.resolve()
      : (async (): Promise<void> => {
          this.probing = true;
          try {
            const samples = await sources.readLinks();
            if (samples.length === 0) return;
            const k: LinkReport = { v: 1, overlay, host, seq: ++this.seq, sentMs: this.o.now(), tMs: endMs, links: [...samples] };
            bus.publish(subjects.report(overlay, "link", host), encode(k));
          } finally {
            this.probing = false;
          }
        })();
    // Every report is attempted even when another fails; the first failure is the one thrown.
    const settled = await Promise.allSettled([traffic, load, links]);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  }
}
