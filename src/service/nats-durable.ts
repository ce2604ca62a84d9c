/**
 * JetStream pieces of the service: a stream that keeps every report of an overlay for a while, so that a
 * restarted optimizer replays its window, and a KV bucket for the believed overlay state and plan records.
 */
import { DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { ExternalError } from "../core/errors.js";
import { subjects } from "../core/messages/subjects.js";

export const streamName = (overlay: string): string => `VADAPT_${overlay.replace(/[^A-Za-z0-9_-]/g, "_")}_REPORTS`;
export const bucketName = (overlay: string): string => `vadapt_${overlay.replace(/[^A-Za-z0-9_-]/g, "_")}`;

/** Creates (or updates) the report stream; keeps reports for `maxAgeMs`. */
export async function ensureReportStream(nc: NatsConnection, overlay: string, maxAgeMs: number): Promise<void> {
  try {
    const jsm = await jetstreamManager(nc);
    const cfg = {
      name: streamName(overlay),
      subjects: [subjects.allReports(overlay)],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: maxAgeMs * 1_000_000,
    };
    try {
      await jsm.streams.info(cfg.name);
      await jsm.streams.update(cfg.name, cfg);
    } catch {
      await jsm.streams.add(cfg);
    }
  } catch (e) {
    throw new ExternalError("jetstream", `cannot create the report stream: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** A running report consumer. */
export interface ReportConsumer {
  /** Resolves once every report that was in the stream when consuming began has been handed to the handler. */
  readonly caughtUp: Promise<void>;
  stop(): void;
}

/**
 * Consumes the overlay's reports from `sinceMs` on (an ordered consumer: in order, recreated after a broker
 * restart). The handler gets the subject, payload and the broker's receive time. A restarted optimizer waits for
 * {@link ReportConsumer.caughtUp} before its clock moves the loop, so the replayed window is ingested in data
 * order rather than arriving after the clock has closed its intervals.
 */
export async function consumeReports(
  nc: NatsConnection,
  overlay: string,
  sinceMs: number,
  handler: (subject: string, data: Uint8Array, receivedMs: number) => void,
): Promise<ReportConsumer> {
  const js = jetstream(nc);
  const consumer = await js.consumers.get(streamName(overlay), {
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: new Date(sinceMs).toISOString(),
  });
  const backlog = (await consumer.info()).num_pending;
  let markCaughtUp = (): void => undefined;
  const caughtUp = backlog === 0 ? Promise.resolve() : new Promise<void>((resolve) => (markCaughtUp = resolve));
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) {
      handler(m.subject, m.data, Math.floor(m.info.timestampNanos / 1e6));
      if (m.info.pending === 0) markCaughtUp();
    }
  })();
  return {
    caughtUp,
    stop: () => {
      markCaughtUp();
      void messages.close();
    },
  };
}

/** A small JSON key-value store on a JetStream KV bucket. */
export class KvStore {
  private constructor(private readonly kv: Awaited<ReturnType<Kvm["create"]>>) {}

  static async open(nc: NatsConnection, overlay: string): Promise<KvStore> {
    try {
      return new KvStore(await new Kvm(nc).create(bucketName(overlay), { history: 5 }));
    } catch (e) {
      throw new ExternalError("jetstream", `cannot open the KV bucket: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  async get(key: string): Promise<unknown> {
    const e = await this.kv.get(key);
    if (e === null || e.operation !== "PUT" || e.value.length === 0) return undefined;
    return JSON.parse(new TextDecoder().decode(e.value));
  }

  async put(key: string, value: unknown): Promise<void> {
    await this.kv.put(key, new TextEncoder().encode(JSON.stringify(value)));
  }
}
