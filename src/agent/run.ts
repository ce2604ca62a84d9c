/**
 * Runs host agents in this process, each with its own NATS connection (and credentials), reporting every interval
 * on the interval grid: for simulated hosts ({@link startSimAgents}), or for any hosts' sources and actuators
 * ({@link startAgents}; the Linux testbed's in src/agent/linux.ts).
 */
import type { Logger } from "pino";
import { NatsBus } from "../adapters/bus/nats.js";
import type { HostId, Mac, VmId } from "../core/model/ids.js";
import { linkKey } from "../core/plan/actions.js";
import type { Clock } from "../service/clock.js";
import type { WorldFile } from "../service/world.js";
import { Agent } from "./agent.js";
import type { TrafficSource } from "../adapters/overlay.js";
import type { HostActuator } from "./host.js";
import { SimWorld } from "./sim.js";

/** What agents of every kind are started with: the overlay, the broker, the interval, credentials, log and clock. */
export type AgentsBaseOptions = Omit<AgentsOptions, "hosts">;

export interface SimAgentsOptions extends AgentsBaseOptions {
  readonly world: WorldFile;
  /** Hosts to run agents for (default: all). */
  readonly hosts?: readonly string[];
  /** Simulated time each action takes, ms (default 0). */
  readonly actionDelayMs?: number;
}

export interface SimAgentsHandle extends AgentsHandle {
  readonly sim: SimWorld;
}

/** The simulated overlay a world file describes (placement from the VMs' hosts, the active links, no rules). */
export function simWorldOf(world: WorldFile): SimWorld {
  return new SimWorld({
    hosts: world.hosts.map((h) => ({ id: h.id, cpu: h.cpu })),
    vms: world.vms.map((v) => ({ id: v.id, mac: v.mac as Mac, cpu: v.cpu })),
    links: world.links.map((l) => ({ from: l.from, to: l.to, mbps: l.mbps, latencyMs: l.latencyMs })),
    state: {
      placement: new Map(world.vms.filter((v) => v.host !== undefined).map((v) => [v.id, v.host!] as [VmId, HostId])),
      links: new Set(world.links.filter((l) => l.active).map((l) => linkKey(l.from, l.to))),
      rules: new Map(),
    },
    demands: (world.demands ?? []).map((d) => ({ src: d.src as VmId, dst: d.dst as VmId, mbps: d.mbps })),
  });
}

function delayed(a: HostActuator, ms: number, clock: Clock): HostActuator {
  return ms <= 0 ? a : { execute: async (spec, macs) => { await clock.sleep(ms); await a.execute(spec, macs); } };
}

export async function startSimAgents(o: SimAgentsOptions): Promise<SimAgentsHandle> {
  const sim = simWorldOf(o.world);
  const hosts = o.hosts ?? o.world.hosts.map((h) => h.id);
  const handle = await startAgents({
    ...o,
    hosts: hosts.map((host) => ({
      id: host as HostId,
      sources: sim.sources(host as HostId),
      actuator: delayed(sim.actuator(host as HostId), o.actionDelayMs ?? 0, o.clock),
    })),
  });
  return { sim, ...handle };
}

export interface AgentsOptions {
  readonly overlay: string;
  readonly servers: string | readonly string[];
  readonly intervalMs: number;
  /** The hosts to run agents for, each with its sources and actuator. */
  readonly hosts: ReadonlyArray<{ readonly id: HostId; readonly sources: TrafficSource; readonly actuator: HostActuator }>;
  /** Per-host credentials, e.g. for a server with per-agent permissions. */
  readonly credentials?: (host: string) => { user: string; pass: string } | undefined;
  readonly logger: Logger;
  readonly clock: Clock;
}

export interface AgentsHandle {
  readonly agents: ReadonlyMap<string, Agent>;
  /** Stops reporting, unsubscribes and closes the connections (waits for reports being read). */
  stop(): Promise<void>;
}

/** Most intervals one late report covers (older ones are past any optimizer's grace time). */
const MAX_CATCH_UP_INTERVALS = 10;

/**
 * Runs one agent per host in this process, each with its own NATS connection, reporting every interval on the
 * interval grid (`[k·intervalMs, (k+1)·intervalMs)` of the clock, as the optimizer's aggregator expects).
 */
export async function startAgents(o: AgentsOptions): Promise<AgentsHandle> {
  const agents = new Map<string, Agent>();
  const buses: NatsBus[] = [];
  try {
    for (const { id: host, sources, actuator } of o.hosts) {
      const cred = o.credentials?.(host);
      const bus = await NatsBus.connect({ servers: o.servers, name: `vadapt-agent-${host}`, user: cred?.user, pass: cred?.pass });
      buses.push(bus);
      const agent = new Agent({
        bus,
        overlay: o.overlay,
        host,
        sources,
        actuator,
        now: () => o.clock.now(),
        onCommand: (cmd, ack) =>
          o.logger.info({ host, action: cmd.actionId, kind: cmd.spec.kind, ok: ack.ok, duplicate: ack.duplicate, ...(ack.error === undefined ? {} : { error: ack.error }) }, "command"),
        onReject: (reason) => o.logger.warn({ host, reason }, "command rejected"),
      });
      agent.start();
      agents.set(host, agent);
    }
    for (const b of buses) await b.flush();
  } catch (e) {
    for (const a of agents.values()) a.stop();
    for (const b of buses) await b.close().catch(() => undefined);
    throw e;
  }
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const pending = new Set<Promise<void>>();
  /** The end of the last interval reported (null before the first report). */
  let reportedTo: number | null = null;
  const schedule = (): void => {
    const now = o.clock.now();
    const next = (Math.floor(now / o.intervalMs) + 1) * o.intervalMs;
    timer = setTimeout(() => {
      if (stopped) return;
      // A late timer (a blocked event loop) finds several intervals ended: all of them are reported, the traffic
      // read now spread across them, so the grid has no gap (at most MAX_CATCH_UP_INTERVALS back).
      const end = Math.floor(o.clock.now() / o.intervalMs) * o.intervalMs;
      const due = reportedTo === null ? 1 : Math.max(1, Math.round((end - reportedTo) / o.intervalMs));
      const intervals = Math.min(due, MAX_CATCH_UP_INTERVALS);
      if (due > 1) o.logger.warn({ intervals: due, spreadOver: intervals }, "reporting late: the traffic read is spread over the intervals that ended meanwhile");
      reportedTo = end;
      for (const [host, a] of agents) {
        const p = a.report(end - intervals * o.intervalMs, o.intervalMs, intervals).catch((e: unknown) => o.logger.warn({ host, err: e }, "report failed"));
        pending.add(p);
        void p.finally(() => pending.delete(p));
      }
      schedule();
    }, next - now + 5);
  };
  schedule();
  return {
    agents,
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      await Promise.all(pending);
      for (const a of agents.values()) a.stop();
      for (const b of buses) await b.close();
    },
  };
}
