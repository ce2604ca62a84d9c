/**
 * The service's figures (issue 6), against a nats-server started for the run:
 * 1. raw NATS: messages/s a subscriber receives of report-sized payloads from a publisher process;
 * 2. ingest: reports/s and matrix entries/s the optimizer takes (ingest guard + VTTIF aggregation) from 1,000
 *    simulated agents each reporting a 1,024-entry row, on one core, against the goal of 1,000 reports/s;
 * 3. memory of the loop at 1,000 hosts and 1,024 VMs after those intervals;
 * 4. reaction time: from a traffic change in a simulated application to a published plan.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { connect } from "@nats-io/transport-node";
import { pino } from "pino";
import { startSimAgents } from "../src/agent/run.js";
import { AdaptationLoop } from "../src/core/loop/loop.js";
import { IngestGuard } from "../src/core/messages/ingest.js";
import { subjects } from "../src/core/messages/subjects.js";
import { hostId, syntheticMac, vmId } from "../src/core/model/ids.js";
import { bspHeader, BspTraceSpec } from "../src/core/synth/bsp-trace.js";
import { neighbours } from "../src/core/synth/neighbours.js";
import { wallClock } from "../src/service/clock.js";
import { loadConfig } from "../src/service/config.js";
import { loopConfigOf } from "../src/service/optimizer.js";
import { startService } from "../src/service/serve.js";
import { NATS_SERVER, startNatsServer } from "../test/helpers/nats-server.js";

if (NATS_SERVER === undefined) {
  process.stdout.write("nats-server not installed: skipping the service benchmark (apt-get install -y nats-server)\n");
  process.exit(0);
}
const here = dirname(fileURLToPath(import.meta.url));
const HOSTS = 1000;
const ENTRIES = 1024;
const INTERVALS = Number(process.env.BENCH_INTERVALS ?? 10);

function publisher(url: string, overlay: string, mode: "raw" | "reports"): Promise<{ published: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", join(here, "helpers/report-publisher.ts"), url, overlay, String(HOSTS), String(ENTRIES), String(INTERVALS), mode], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as { published: number; ms: number }) : reject(new Error(`publisher exited ${code}`))));
  });
}

const server = await startNatsServer("max_payload: 8MB");
try {
  const nc = await connect({ servers: server.url });
  const total = HOSTS * INTERVALS;

  // 1. Raw NATS.
  let raw = 0;
  let rawFirst = 0;
  let rawLast = 0;
  let rawBytes = 0;
  const rawDone = new Promise<void>((resolve) => {
    nc.subscribe("bench.raw.*", {
      callback: (_err, m) => {
        rawBytes = m.data.length;
        if (raw++ === 0) rawFirst = performance.now();
        rawLast = performance.now();
        if (raw === total) resolve();
      },
    });
  });
  await nc.flush();
  await publisher(server.url, "bench", "raw");
  await rawDone;
  const rawRate = (raw - 1) / ((rawLast - rawFirst) / 1000);

  // 2. Ingest into the loop.
  const vms = Array.from({ length: ENTRIES }, (_, i) => ({ id: vmId(`vm${i + 1}`), mac: syntheticMac(i + 1), cpu: 1, memMB: 1024 }));
  const hosts = Array.from({ length: HOSTS }, (_, h) => ({ id: hostId(`h${h + 1}`), cpu: 8, memMB: 32768, localMbps: 10000 }));
  const config = loadConfig(undefined, {}, { overlay: "bench", warmupIntervals: 1_000_000, forecast: { enabled: false } });
  const heap0 = process.memoryUsage();
  const loop = new AdaptationLoop(loopConfigOf(config), {
    hosts,
    links: [],
    vms,
    state: { placement: new Map(vms.map((v, i) => [v.id, hosts[i % HOSTS]!.id])), links: new Set(), rules: new Map() },
  }, async () => {
    throw new Error("no decisions in this benchmark");
  });
  const guard = new IngestGuard({ overlay: "bench", maxBytes: 8 << 20, staleMs: 1e12 });
  let got = 0;
  let entries = 0;
  let first = 0;
  let last = 0;
  let cpu0 = process.cpuUsage();
  const ingestDone = new Promise<void>((resolve) => {
    nc.subscribe(subjects.allReports("bench"), {
      callback: (_err, m) => {
        if (got === 0) {
          first = performance.now();
          cpu0 = process.cpuUsage();
        }
        const r = guard.accept(m.subject, m.data, 0);
        if (r.ok) for (const e of r.events) {
          loop.ingest(e);
          if (e.type === "traffic") entries += e.entries.length;
        }
        last = performance.now();
        if (++got === total) resolve();
      },
    });
  });
  await nc.flush();
  await publisher(server.url, "bench", "reports");
  await ingestDone;
  const cpu = process.cpuUsage(cpu0);
  await loop.finish(INTERVALS * 1000 + 5000);
  const secs = (last - first) / 1000;
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  const heap1 = process.memoryUsage();
  process.stdout.write(`raw NATS: ${rawRate.toFixed(0)} msgs/s of ${(rawBytes / 1000).toFixed(1)} kB report-sized payloads (publisher process -> subscriber), ${((rawRate * rawBytes) / 1e6).toFixed(0)} MB/s\n`);
  process.stdout.write(
    `ingest: ${got} reports from ${HOSTS} agents x ${ENTRIES}-entry rows in ${secs.toFixed(2)} s wall, ${cpuSecs.toFixed(2)} s CPU: ` +
      `${(got / secs).toFixed(0)} reports/s, ${(entries / secs / 1e6).toFixed(2)}M entries/s (${(got / cpuSecs).toFixed(0)} reports per CPU-second; ` +
      `goal 1000 reports/s = ${(100 * (got / secs) / rawRate).toFixed(0)}% of raw NATS)\n`,
  );
  process.stdout.write(`rejected: ${JSON.stringify(guard.rejected)}; intervals aggregated: ${loop.counters.intervals}\n`);
  process.stdout.write(`memory at ${HOSTS} hosts, ${ENTRIES} VMs: heap ${(heap1.heapUsed / 1e6).toFixed(0)} MB (+${((heap1.heapUsed - heap0.heapUsed) / 1e6).toFixed(0)} MB), rss ${(heap1.rss / 1e6).toFixed(0)} MB\n`);
  await nc.close();

  // 4. Reaction time: the application switches from a ring to all-to-all; time until a plan is published.
  const logger = pino({ level: "silent" });
  const h = bspHeader(BspTraceSpec.parse({ vms: 8, hosts: 4, sites: 2, placement: "block" }));
  const ring = neighbours("ring", 8).flatMap((js, i) => js.map((j) => ({ src: `vm${i + 1}`, dst: `vm${j + 1}`, mbps: 20 })));
  const world = { hosts: h.hosts, vms: h.vms, links: h.links, demands: ring };
  const intervalMs = 500;
  const rc = loadConfig(undefined, {}, { overlay: "react", nats: { servers: server.url }, intervalMs, graceMs: 100, warmupIntervals: 3, periodicIntervals: 0, http: { port: 0 }, policy: { marginPct: 1, minDwellMs: 1000 } });
  const service = await startService({ config: rc, world, logger });
  const agents = await startSimAgents({ world, overlay: "react", servers: server.url, intervalMs, logger, clock: wallClock });
  const sub = await connect({ servers: server.url });
  let published = 0;
  sub.subscribe(subjects.plan("react"), {
    callback: () => {
      published++;
    },
  });
  await new Promise((r) => setTimeout(r, intervalMs * 6));
  const before = published;
  // Pairs (vm i, vm i+4) talk heavily: the placement made for the ring splits every pair across the WAN.
  agents.sim.demands = Array.from({ length: 4 }, (_, i) => [
    { src: vmId(`vm${i + 1}`), dst: vmId(`vm${i + 5}`), mbps: 40 },
    { src: vmId(`vm${i + 5}`), dst: vmId(`vm${i + 1}`), mbps: 40 },
  ]).flat();
  const t0 = Date.now();
  while (published === before && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 10));
  const reactMs = Date.now() - t0;
  const dec = service.records.at(-1);
  process.stdout.write(
    published > before
      ? `reaction: traffic change -> plan published in ${reactMs} ms = ${(reactMs / intervalMs).toFixed(1)} intervals of ${intervalMs} ms (change detector hold ${rc.change.hold})${dec !== undefined ? `; plan ${dec.plan.id}: ${dec.plan.reason}` : ""}\n`
      : `reaction: no plan within 30 s of the change\n`,
  );
  await sub.close();
  await agents.stop();
  await service.stop();
} finally {
  await server.stop();
}
