/** The NATS transport of the {@link Bus} interface, on the official client (@nats-io/transport-node). */
import { connect, type NatsConnection, type NodeConnectionOptions } from "@nats-io/transport-node";
import { RequestError, TimeoutError } from "@nats-io/transport-node";
import { ExternalError } from "../../core/errors.js";
import { BusTimeoutError, NoRespondersError, type Bus, type BusMessage, type BusSubscription } from "./bus.js";

export interface NatsBusOptions {
  /** e.g. `nats://127.0.0.1:4222`; several for a cluster. */
  readonly servers: string | readonly string[];
  readonly user?: string | undefined;
  readonly pass?: string | undefined;
  readonly token?: string | undefined;
  /** Client name shown by the server's monitoring. */
  readonly name?: string | undefined;
  /** Called for asynchronous errors (permission violations, slow consumers) and reconnect events. */
  readonly onStatus?: ((type: string, detail: string) => void) | undefined;
}

export class NatsBus implements Bus {
  private constructor(readonly nc: NatsConnection) {}

  /** Connects, retrying forever on later disconnects (the broker may restart). */
  static async connect(opts: NatsBusOptions): Promise<NatsBus> {
    const o: NodeConnectionOptions = {
      servers: typeof opts.servers === "string" ? opts.servers : [...opts.servers],
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      pingInterval: 5000,
      waitOnFirstConnect: false,
    };
    if (opts.user !== undefined) o.user = opts.user;
    if (opts.pass !== undefined) o.pass = opts.pass;
    if (opts.token !== undefined) o.token = opts.token;
    if (opts.name !== undefined) o.name = opts.name;
    let nc: NatsConnection;
    try {
      nc = await connect(o);
    } catch (e) {
      throw new ExternalError("nats", `cannot connect to ${String(opts.servers)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (opts.onStatus !== undefined) {
      const cb = opts.onStatus;
      void (async () => {
        for await (const s of nc.status()) cb(s.type, JSON.stringify(s));
      })();
    }
    return new NatsBus(nc);
  }

  publish(subject: string, data: Uint8Array): void {
    this.nc.publish(subject, data);
  }

  subscribe(subject: string, handler: (msg: BusMessage) => void): BusSubscription {
    const sub = this.nc.subscribe(subject, {
      callback: (err, m) => {
        if (err !== null) return;
        const reply = m.reply;
        handler(reply === undefined || reply === "" ? { subject: m.subject, data: m.data } : { subject: m.subject, data: m.data, respond: (d) => m.respond(d) });
      },
    });
    return { unsubscribe: () => sub.unsubscribe() };
  }

  async request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    try {
      const m = await this.nc.request(subject, data, { timeout: timeoutMs });
      return m.data;
    } catch (e) {
      if (e instanceof RequestError && e.isNoResponders()) throw new NoRespondersError(subject, { cause: e });
      if (e instanceof TimeoutError || (e instanceof Error && /timeout/i.test(e.message))) throw new BusTimeoutError(subject, timeoutMs, { cause: e });
      throw new ExternalError("nats", `request on ${subject} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }

  async flush(): Promise<void> {
    await this.nc.flush();
  }

  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.drain().catch(() => this.nc.close());
  }
}
