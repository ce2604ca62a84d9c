/**
 * `vadapt serve`: the adaptation service. Reports arrive over NATS (through a JetStream stream, so a restarted
 * optimizer replays its window), pass the ingest guard, feed the adaptation loop; plans are published, applied
 * through the agents (request/reply with acks), and the believed overlay state is kept in a KV bucket.
 * Operations: structured logs (pino), Prometheus /metrics, /healthz, /plans, graceful drain on stop.
 */
import { createServer, type Server } from "node:http";
import type { Logger } from "pino";
import { NatsBus } from "../adapters/bus/nats.js";
import { createTraceWriter, type TraceWriter } from "../adapters/trace/writer.js";
import { IngestGuard } from "../core/messages/ingest.js";
import { subjects } from "../core/messages/subjects.js";
import type { HostId, VmId } from "../core/model/ids.js";
import type { OverlayState } from "../core/plan/actions.js";
import type { Plan } from "../core/plan/plan.js";
import type { TraceEvent } from "../core/trace/events.js";
import { wallClock, type Clock } from "./clock.js";
import type { ServiceConfig } from "./config.js";
import { LoopDriver, type PlanRecord } from "./driver.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { consumeReports, ensureReportStream, KvStore } from "./nats-durable.js";
import { createLoop, worldOfHeader } from "./optimizer.js";
import { headerOfWorld, type WorldFile } from "./world.js";

export interface ServiceOptions {
  readonly config: ServiceConfig;
  readonly world: WorldFile;
  readonly logger: Logger;
  /** Record every accepted event to this trace (replayable with `vadapt plan`). */
  readonly recordPath?: string | undefined;
  /** How far back to replay the report stream on start, ms (default: 5 minutes). */
  readonly replayMs?: number;
  readonly clock?: Clock;
}

export interface ServiceHandle {
  readonly driver: LoopDriver;
  readonly guard: IngestGuard;
  readonly metrics: Metrics;
  readonly bus: NatsBus;
  /** The HTTP endpoint, e.g. http://127.0.0.1:9464 (port 0 in the config picks a free one). */
  readonly url: string;
  readonly records: readonly PlanRecord[];
  /** Stops taking reports, lets a plan in flight finish, closes everything. */
  stop(): Promise<void>;
}

interface StoredState {
  placement: Array<[string, string]>;
  links: string[];
  rules: Array<[string, string]>;
}

const STATE_KEY = "state";

function toStored(s: OverlayState): StoredState {
  return { placement: [...s.placement], links: [...s.links], rules: [...s.rules] };
}

/** Longest a starting service waits for its replay of the report stream before its clock starts. */
const REPLAY_TIMEOUT_MS = 30_000;

export async function startService(o: ServiceOptions): Promise<ServiceHandle> {
  const { config, logger } = o;
  const clock = o.clock ?? wallClock;
  const metrics = createMetrics();
  const header = headerOfWorld(o.world, config.intervalMs, "vadapt serve");
  const world = worldOfHeader(header);
  const bus = await NatsBus.connect({
    servers: config.nats.servers,
    user: config.nats.user,
    pass: config.nats.pass,
    token: config.nats.token,
    name: `vadapt-optimizer-${config.overlay}`,
    onStatus: (type, detail) => logger.info({ type, detail }, "nats status"),
  });
  let kv: KvStore | null = null;
  let state = world.state;
  if (config.nats.jetstream) {
    kv = await KvStore.open(bus.nc, config.overlay);
    const stored = (await kv.get(STATE_KEY)) as StoredState | undefined;
    if (stored !== undefined) {
      state = {
        placement: new Map(stored.placement as Array<[VmId, HostId]>),
        links: new Set(stored.links),
        rules: new Map(stored.rules as Array<[string, HostId]>),
      };
      logger.info({ vms: stored.placement.length, rules: stored.rules.length }, "restored overlay state from KV");
    }
  }
  const loop = createLoop(config, { ...world, state }, () => clock.now());
  const macs = new Map(header.vms.map((v) => [v.id as string, v.mac as string]));
  const guard = new IngestGuard({ overlay: config.overlay, maxBytes: config.ingest.maxBytes, staleMs: config.ingest.staleMs });
  const recorder: TraceWriter | null = o.recordPath === undefined ? null : await createTraceWriter(o.recordPath, header);
  let recording: Promise<void> = Promise.resolve();

  const approvals = new Map<string, (ok: boolean) => void>();
  const driver = new LoopDriver({
    loop,
    bus,
    clock,
    config,
    macOf: (vm) => macs.get(vm),
    approve: (plan: Plan) =>
      new Promise<boolean>((resolve) => {
        approvals.set(plan.id, resolve);
        logger.info({ plan: plan.id }, "plan awaiting approval (vadapt approve)");
      }),
    onStep: (s) => {
      if (s.kind === "interval") {
        metrics.intervals.inc();
        metrics.lastIntervalEnd.set(s.interval.startMs + s.interval.intervalMs);
        if (s.changed) {
          metrics.changes.inc();
          logger.info({ shapeDistance: s.shapeDistance, levelRatio: s.levelRatio }, "traffic change declared");
        }
        return;
      }
      metrics.decisions.inc({ act: String(s.decision.act) });
      logger.info({ trigger: s.trigger, act: s.decision.act, reason: s.decision.reason, topology: s.topology?.class }, "decision");
    },
    onApplyEvent: (plan, e) => {
      metrics.actions.inc({ event: e.type });
      logger.debug({ plan: plan.id, ...e }, "plan action");
    },
    onError: (e) => logger.error({ err: e }, "carrying an approved plan failed"),
    onPlan: (r) => {
      logger.info({ plan: r.plan.id, status: r.status, efficacy: r.plan.efficacy, actions: r.plan.actions.length }, "plan");
      if (r.status !== "proposed" && r.status !== "awaiting-approval") metrics.plans.inc({ status: r.status });
      if (r.status === "expired") {
        approvals.delete(r.plan.id);
        logger.warn({ plan: r.plan.id, approvalTimeoutMs: config.approvalTimeoutMs }, "plan expired unapproved");
      }
      metrics.objective.set({ when: "before" }, r.plan.efficacy.before);
      metrics.objective.set({ when: "after" }, r.plan.efficacy.after);
      void kv?.put(`plan.${r.plan.id}`, { status: r.status, plan: r.plan, outcome: r.outcome }).catch((e: unknown) => logger.warn({ err: e }, "cannot store plan"));
      if (r.outcome !== null) void kv?.put(STATE_KEY, toStored(loop.state)).catch((e: unknown) => logger.warn({ err: e }, "cannot store state"));
    },
  });

  let lastT = 0;
  const onReport = (subject: string, data: Uint8Array, receivedMs: number): void => {
    const r = guard.accept(subject, data, receivedMs);
    if (!r.ok) {
      metrics.reportsRejected.inc({ reason: r.reason });
      logger.warn({ subject, reason: r.reason, detail: r.detail }, "report rejected");
      return;
    }
    metrics.reportsAccepted.inc({ kind: r.kind });
    for (const e of r.events) {
      // Events are stamped with their arrival time, so the recorded trace is in time order.
      lastT = Math.max(lastT, receivedMs, e.type === "traffic" ? e.startMs + e.intervalMs : 0);
      const stamped = { ...e, tMs: lastT } as TraceEvent;
      driver.ingest(stamped);
      if (recorder !== null) recording = recording.then(() => recorder.write(stamped));
    }
  };

  let stopConsumer: () => void;
  if (config.nats.jetstream) {
    await ensureReportStream(bus.nc, config.overlay, Math.max(600_000, (o.replayMs ?? 300_000) * 2));
    const consumer = await consumeReports(bus.nc, config.overlay, clock.now() - (o.replayMs ?? 300_000), onReport);
    stopConsumer = () => consumer.stop();
    // Replay the stored window before the clock may close intervals (else replayed reports would all be late).
    const t0 = clock.now();
    let timer: NodeJS.Timeout | undefined;
    const replayed = await Promise.race([consumer.caughtUp.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), REPLAY_TIMEOUT_MS)))]);
    clearTimeout(timer);
    if (replayed) logger.info({ events: loop.counters.events, ms: clock.now() - t0 }, "replayed the report stream");
    else logger.warn({ events: loop.counters.events, timeoutMs: REPLAY_TIMEOUT_MS }, "report stream replay still running; going live");
  } else {
    const sub = bus.subscribe(subjects.allReports(config.overlay), (m) => onReport(m.subject, m.data, clock.now()));
    stopConsumer = () => sub.unsubscribe();
  }
  const approveSub = bus.subscribe(`vadapt.${config.overlay}.approve`, (m) => {
    let req: { planId?: unknown; approve?: unknown } = {};
    try {
      req = JSON.parse(new TextDecoder().decode(m.data)) as typeof req;
    } catch {
      /* answered below */
    }
    const resolve = typeof req.planId === "string" ? approvals.get(req.planId) : undefined;
    if (resolve === undefined || typeof req.approve !== "boolean") {
      m.respond?.(new TextEncoder().encode(JSON.stringify({ ok: false, error: "no such plan awaiting approval, or approve is not a boolean" })));
      return;
    }
    approvals.delete(req.planId as string);
    resolve(req.approve);
    m.respond?.(new TextEncoder().encode(JSON.stringify({ ok: true })));
  });
  await bus.flush();

  const ticker = setInterval(() => {
    const now = clock.now();
    if (now > lastT) {
      // The clock, not a report, moves the loop: record it, so a replay closes intervals exactly when we did.
      lastT = now;
      const mark: TraceEvent = { type: "mark", tMs: now };
      driver.ingest(mark);
      if (recorder !== null) recording = recording.then(() => recorder.write(mark));
    }
    void driver.tick(now).catch((e: unknown) => logger.error({ err: e }, "loop tick failed"));
  }, Math.max(50, Math.floor(config.intervalMs / 4)));

  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? "/").split("?")[0];
      if (path === "/metrics") {
        res.setHeader("content-type", metrics.registry.contentType);
        res.end(await metrics.registry.metrics());
      } else if (path === "/healthz") {
        const connected = !bus.nc.isClosed() && bus.nc.status !== undefined;
        res.setHeader("content-type", "application/json");
        res.statusCode = connected ? 200 : 503;
        res.end(JSON.stringify({ status: connected ? "ok" : "disconnected", overlay: config.overlay, mode: config.mode, dataTimeMs: loop.dataTimeMs, counters: loop.counters, ingest: { accepted: guard.accepted, rejected: guard.rejected } }));
      } else if (path === "/plans") {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(driver.records.map((r) => ({ id: r.plan.id, status: r.status, efficacy: r.plan.efficacy, actions: r.plan.actions.length }))));
      } else {
        res.statusCode = 404;
        res.end("not found: try /metrics, /healthz, /plans\n");
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(config.http.port, config.http.host, resolve));
  const addr = server.address();
  const url = `http://${config.http.host}:${typeof addr === "object" && addr !== null ? addr.port : config.http.port}`;
  logger.info({ overlay: config.overlay, mode: config.mode, url, hosts: header.hosts.length, vms: header.vms.length }, "vadapt service started");

  let stopped = false;
  return {
    driver,
    guard,
    metrics,
    bus,
    url,
    get records() {
      return driver.records;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(ticker);
      stopConsumer();
      approveSub.unsubscribe();
      for (const resolve of approvals.values()) resolve(false);
      await driver.idle();
      if (kv !== null) await kv.put(STATE_KEY, toStored(loop.state)).catch(() => {});
      await recording;
      await recorder?.close();
      await bus.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      logger.info("vadapt service stopped");
    },
  };
}
