import type { Command } from "commander";
import { pino } from "pino";
import { startLinuxAgents } from "../../agent/linux.js";
import { startSimAgents, type AgentsHandle } from "../../agent/run.js";
import { ConfigError } from "../../core/errors.js";
import { wallClock } from "../../service/clock.js";
import { loadConfig } from "../../service/config.js";
import { loadWorld } from "../../service/world.js";
import { onSignals, overridesOf } from "./serve.js";
import { readSpec } from "./testbed.js";

interface AgentOptions {
  config?: string;
  sim?: string;
  testbed?: string;
  host?: string;
  nats?: string;
  overlay?: string;
  user?: string;
  pass?: string;
  actionDelayMs: number;
  probes: number;
}

export function registerAgent(program: Command): void {
  program
    .command("agent")
    .description(
      "run host agents: report traffic, load and links over NATS every interval and execute plan actions, for the hosts of a Linux testbed (--testbed, root) or of a simulated overlay (--sim)",
    )
    .option("--config <file>", "configuration file (JSON), as for serve (nats, overlay, intervalMs)")
    .option("--testbed <spec>", "a testbed built with `vadapt testbed up <spec>`: sniff its hosts' kernels and drive its overlay (docs/overlay.md)")
    .option("--sim <world>", "a simulated overlay (world JSON with the application's demands)")
    .option("--host <ids>", "run agents only for these hosts (comma-separated; default: every host)")
    .option("--nats <urls>", "NATS server URL(s), comma-separated")
    .option("--overlay <name>", "overlay (tenant) name")
    .option("--user <name>", "NATS user (with --pass)")
    .option("--pass <secret>", "NATS password")
    .option("--action-delay-ms <ms>", "--sim only: simulated time each action takes", (v) => Number.parseInt(v, 10), 0)
    .option("--probes <n>", "--testbed only: pings per link probe each interval (0: no link probes)", (v) => Number.parseInt(v, 10), 3)
    .addHelpText(
      "after",
      "\nFor a testbed, give the optimizer the same overlay: `vadapt testbed world <spec> > world.json`, then\n`vadapt serve --world world.json`. Agents of a testbed run on the machine that holds it (one process may\nserve all its hosts, or one process per host with --host).",
    )
    .action(async (opts: AgentOptions) => {
      if ((opts.sim === undefined) === (opts.testbed === undefined)) throw new ConfigError("options", ["give exactly one of --testbed <spec> and --sim <world>"]);
      if ((opts.user === undefined) !== (opts.pass === undefined)) throw new ConfigError("options", ["--user and --pass go together"]);
      if (!Number.isInteger(opts.probes) || opts.probes < 0 || opts.probes > 20) throw new ConfigError("--probes", ["an integer from 0 to 20"]);
      const config = loadConfig(opts.config, process.env, overridesOf(opts));
      const logger = pino({ level: config.log.level });
      const hosts = opts.host?.split(",");
      const user = opts.user;
      const pass = opts.pass;
      const credentials = user !== undefined && pass !== undefined ? { credentials: () => ({ user, pass }) } : {};
      const common = { overlay: config.overlay, servers: config.nats.servers, intervalMs: config.intervalMs, ...credentials, logger, clock: wallClock };
      let handle: AgentsHandle;
      if (opts.testbed !== undefined) {
        const spec = await readSpec(opts.testbed);
        const unknown = hosts?.filter((h) => !spec.hosts.some((x) => x.id === h)) ?? [];
        if (unknown.length > 0) throw new ConfigError("--host", unknown.map((h) => `unknown host '${h}' (not in ${opts.testbed})`));
        handle = await startLinuxAgents({ spec, ...common, ...(hosts !== undefined ? { hosts } : {}), probes: { probeCount: opts.probes } });
      } else {
        const world = loadWorld(opts.sim!);
        const unknown = hosts?.filter((h) => !world.hosts.some((x) => x.id === h)) ?? [];
        if (unknown.length > 0) throw new ConfigError("--host", unknown.map((h) => `unknown host '${h}' (not in ${opts.sim})`));
        handle = await startSimAgents({ world, ...common, ...(hosts !== undefined ? { hosts } : {}), actionDelayMs: opts.actionDelayMs });
      }
      logger.info({ hosts: [...handle.agents.keys()], overlay: config.overlay, kind: opts.testbed !== undefined ? "testbed" : "sim" }, "agents started");
      await onSignals(() => handle.stop(), (m) => logger.info(m));
    });
}
