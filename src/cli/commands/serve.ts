import type { Command } from "commander";
import { pino } from "pino";
import { Buffer } from "node:buffer";
import { NatsBus } from "../../adapters/bus/nats.js";
import { ConfigError } from "../../core/errors.js";
import { loadConfig } from "../../service/config.js";
import { startService } from "../../service/serve.js";
import { loadWorld } from "../../service/world.js";

interface ServeOptions {
  config?: string;
  world: string;
  nats?: string;
  overlay?: string;
  port?: number;
  dryRun?: boolean;
  approve?: boolean;
  record?: string;
}

/** Stops `stop` on SIGTERM/SIGINT (graceful drain), then exits. */
export function onSignals(stop: () => Promise<void>, log: (msg: string) => void): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const handler = (sig: string): void => {
      if (stopping) return;
      stopping = true;
      log(`${sig}: draining`);
      void stop().finally(resolve);
    };
    process.once("SIGTERM", () => handler("SIGTERM"));
    process.once("SIGINT", () => handler("SIGINT"));
  });
}

export function overridesOf(opts: { nats?: string; overlay?: string }): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (opts.nats !== undefined) o.nats = { servers: opts.nats.split(",") };
  if (opts.overlay !== undefined) o.overlay = opts.overlay;
  return o;
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("run the adaptation service: take agents' reports over NATS, infer, predict, decide, and apply plans through the agents")
    .option("--config <file>", "configuration file (JSON); VADAPT_* environment variables override it (docs/service.md)")
    .requiredOption("--world <file>", "the overlay: hosts, VMs (MACs, hosts), links (JSON, as a trace header)")
    .option("--nats <urls>", "NATS server URL(s), comma-separated")
    .option("--overlay <name>", "overlay (tenant) name: the subject namespace vadapt.<overlay>.*")
    .option("--port <n>", "HTTP port for /metrics, /healthz, /plans (0: any free port)", (v) => Number.parseInt(v, 10))
    .option("--dry-run", "recommend only: publish plans, apply none")
    .option("--approve", "wait for a human to approve each plan (vadapt approve <plan-id>)")
    .option("--record <file>", "record every accepted report as a trace (replay it with vadapt plan)")
    .action(async (opts: ServeOptions) => {
      if (opts.dryRun === true && opts.approve === true) throw new ConfigError("options", ["--dry-run and --approve exclude each other"]);
      const o = overridesOf(opts);
      if (opts.port !== undefined) o.http = { port: opts.port };
      if (opts.dryRun === true) o.mode = "dry-run";
      if (opts.approve === true) o.mode = "approve";
      const config = loadConfig(opts.config, process.env, o);
      const logger = pino({ level: config.log.level });
      const service = await startService({ config, world: loadWorld(opts.world), logger, recordPath: opts.record });
      await onSignals(() => service.stop(), (m) => logger.info(m));
    });
}

export function registerApprove(program: Command): void {
  program
    .command("approve")
    .description("approve (or --reject) a plan that a service in --approve mode is waiting on")
    .argument("<plan-id>", "the plan's id (in the service's log, /plans, or the vadapt.<overlay>.plan subject)")
    .option("--reject", "reject the plan instead")
    .option("--config <file>", "configuration file (JSON), as for serve")
    .option("--nats <urls>", "NATS server URL(s), comma-separated")
    .option("--overlay <name>", "overlay (tenant) name")
    .action(async (planId: string, opts: { reject?: boolean; config?: string; nats?: string; overlay?: string }) => {
      const config = loadConfig(opts.config, process.env, overridesOf(opts));
      const bus = await NatsBus.connect({ servers: config.nats.servers, user: config.nats.user, pass: config.nats.pass, token: config.nats.token });
      try {
        const reply = await bus.request(`vadapt.${config.overlay}.approve`, new TextEncoder().encode(JSON.stringify({ planId, approve: opts.reject !== true })), 5000);
        const r = JSON.parse(Buffer.from(reply).toString("utf8")) as { ok: boolean; error?: string };
        if (!r.ok) throw new ConfigError("approve", [r.error ?? "refused"]);
        process.stdout.write(`${opts.reject === true ? "rejected" : "approved"} ${planId}\n`);
      } finally {
        await bus.close();
      }
    });
}
