/**
 * Agents for the hosts of a Linux testbed (docs/overlay.md): each host's sources are its kernel's per-MAC-pair
 * counters, /proc and link probes (`LinuxTrafficSource`), and its actuator executes plan actions on its part of
 * the overlay (`LinuxOverlay`). A thin adapter: plan actions map one to one onto the overlay driver's methods.
 */
import { listNetnsWithPrefix } from "../adapters/linux/netns.js";
import { LinuxOverlay } from "../adapters/linux/overlay-driver.js";
import { LinuxTrafficSource, type LinuxTrafficSourceOptions } from "../adapters/linux/traffic-source.js";
import type { MigrationReport, OverlayActuator } from "../adapters/overlay.js";
import { ExternalError } from "../core/errors.js";
import type { HostId, Mac } from "../core/model/ids.js";
import type { ActionSpec } from "../core/plan/actions.js";
import { layoutOf } from "../core/testbed/layout.js";
import type { TestbedSpec } from "../core/testbed/spec.js";
import type { HostActuator } from "./host.js";
import { startAgents, type AgentsBaseOptions, type AgentsHandle } from "./run.js";

function macOf(macs: Readonly<Record<string, string>>, vm: string, spec: ActionSpec): Mac {
  const mac = macs[vm];
  if (mac === undefined) throw new ExternalError("agent", `${spec.kind}: the command carries no MAC for VM '${vm}'`);
  return mac.toLowerCase() as Mac;
}

/** A migration's report with its wall-clock start and end (epoch ms). */
export interface TimedMigration extends MigrationReport {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The plan-action executor of one host over its overlay actuator; an action addressed to another host is refused.
 * Actions may run concurrently (the applier runs independent actions at once): the driver's methods touch only
 * their own pair, VM or peer, and the plan orders the actions that depend on each other.
 */
export function linuxHostActuator(a: OverlayActuator, onMigration?: (r: TimedMigration) => void): HostActuator {
  const mine = (host: HostId, spec: ActionSpec): void => {
    if (host !== a.host) throw new ExternalError("agent", `${spec.kind} is executed by ${host}, not by ${a.host}`);
  };
  return {
    execute: async (spec, macs) => {
      switch (spec.kind) {
        case "add-link":
          mine(spec.from, spec);
          return a.addLink(spec.to);
        case "remove-link":
          mine(spec.from, spec);
          return a.removeLink(spec.to);
        case "set-rule":
          mine(spec.host, spec);
          return a.setRule({ src: macOf(macs, spec.src, spec), dst: macOf(macs, spec.dst, spec), next: spec.next });
        case "delete-rule":
          mine(spec.host, spec);
          return a.deleteRule(macOf(macs, spec.src, spec), macOf(macs, spec.dst, spec));
        case "migrate":
          mine(spec.from, spec);
          const startMs = Date.now();
          const r = await a.migrate(spec.vm, spec.to, { precopyMB: spec.memMB });
          onMigration?.({ ...r, startMs, endMs: Date.now() });
          return;
      }
    },
  };
}

export interface LinuxAgentsOptions extends AgentsBaseOptions {
  /** The testbed (it must be up: `vadapt testbed up`). */
  readonly spec: TestbedSpec;
  /** Hosts to run agents for (default: every host of the testbed). */
  readonly hosts?: readonly string[];
  /** Link probes (count and spacing of the pings each interval). */
  readonly probes?: LinuxTrafficSourceOptions;
  /** Called after each migration this process's agents carried out (default: logged). */
  readonly onMigration?: (r: TimedMigration) => void;
}

export interface LinuxAgentsHandle extends AgentsHandle {
  readonly driver: LinuxOverlay;
  /** Each host's source (its sniffer is on while the agents run). */
  readonly sources: ReadonlyMap<string, LinuxTrafficSource>;
}

/**
 * Starts agents for a testbed's hosts: switches sniffing on in each, reports every interval, executes plan
 * actions. `stop` switches sniffing off again (the counters stay).
 */
export async function startLinuxAgents(o: LinuxAgentsOptions): Promise<LinuxAgentsHandle> {
  const layout = layoutOf(o.spec);
  const driver = new LinuxOverlay(layout);
  const hosts = (o.hosts ?? o.spec.hosts.map((h) => h.id)).map((h) => driver.hostLayout(h as HostId).id);
  const present = new Set(await listNetnsWithPrefix(layout.prefix));
  const absent = hosts.filter((h) => !present.has(driver.hostLayout(h).netns));
  if (absent.length > 0) {
    throw new ExternalError("agent", `testbed '${layout.name}' is not up (no namespace for host ${absent.join(", ")}): run \`vadapt testbed up\` first`);
  }
  const sources = new Map<string, LinuxTrafficSource>();
  const disable = async (): Promise<void> => {
    await Promise.all([...sources.values()].map((s) => s.sniffer.disable().catch((e: unknown) => o.logger.warn({ host: s.host, err: e }, "cannot switch sniffing off"))));
  };
  const onMigration =
    o.onMigration ??
    ((r: TimedMigration): void =>
      o.logger.info({ vm: r.vm, from: r.from, to: r.to, precopyBytes: r.precopyBytes, precopyMs: Math.round(r.precopyMs), switchMs: Math.round(r.switchMs), totalMs: r.endMs - r.startMs }, "migrated"));
  try {
    for (const h of hosts) sources.set(h, await LinuxTrafficSource.open(driver, h, o.probes));
    const handle = await startAgents({
      overlay: o.overlay,
      servers: o.servers,
      intervalMs: o.intervalMs,
      hosts: hosts.map((id) => ({ id, sources: sources.get(id)!, actuator: linuxHostActuator(driver.host(id), onMigration) })),
      ...(o.credentials === undefined ? {} : { credentials: o.credentials }),
      logger: o.logger,
      clock: o.clock,
    });
    return {
      ...handle,
      driver,
      sources,
      async stop() {
        await handle.stop();
        await disable();
      },
    };
  } catch (e) {
    await disable();
    throw e;
  }
}
