/**
 * What the daemon of one testbed host observes (the {@link TrafficSource} an agent reads each interval):
 * - traffic: the kernel's per-MAC-pair counters (sniffer.ts), as deltas;
 * - load: CPU (from /proc/stat deltas), run-queue load average, memory, and the host's underlay traffic;
 * - links: per active link, latency and loss from a light active probe (a few pings to the peer host's bridge
 *   address, through the tunnel itself: the relay's delay and the WAN's queue included), and the bytes sent and
 *   received over the tunnel (passive counters of its VXLAN device).
 *
 * An interval's readings cost three short processes per host (the pair counters, one device listing shared by
 * load and links, one shell running every link's pings side by side): each spawn from a large process is costly.
 */
import { ExternalError } from "../../core/errors.js";
import type { HostId } from "../../core/model/ids.js";
import { bytesToMbps, type TrafficEntry } from "../../core/model/traffic.js";
import { tunnelOf, type HostLayout } from "../../core/testbed/layout.js";
import type { LinkSample, LoadSample, TrafficSource } from "../overlay.js";
import { run, runIn } from "./exec.js";
import { IpLinks, parseJsonOutput, type IpLink } from "./iproute-json.js";
import type { LinuxOverlay } from "./overlay-driver.js";
import { cpuPctBetween, parsePingSummaries, readCpuTimes, readLoadAvg, readMemPct, type CpuTimes, type PingSummary } from "./proc.js";
import { PairSniffer } from "./sniffer.js";

export interface LinuxTrafficSourceOptions {
  /** Pings per link probe (default 3; 0: passive counters only) and their spacing (default 0.2 s). */
  readonly probeCount?: number;
  readonly probeIntervalS?: number;
}

interface Counted {
  readonly atMs: number;
  readonly rx: number;
  readonly tx: number;
}

export class LinuxTrafficSource implements TrafficSource {
  private cpu: CpuTimes | null = null;
  private underlay: Counted | null = null;
  private readonly tunnels = new Map<string, Counted>();
  private statsRunning: Promise<IpLink[]> | null = null;

  private constructor(
    private readonly overlay: LinuxOverlay,
    private readonly h: HostLayout,
    readonly sniffer: PairSniffer,
    private readonly opts: LinuxTrafficSourceOptions,
  ) {}

  /** Opens the source of host `host` and turns its sniffing on. */
  static async open(overlay: LinuxOverlay, host: HostId, opts: LinuxTrafficSourceOptions = {}): Promise<LinuxTrafficSource> {
    const h = overlay.hostLayout(host);
    const sniffer = new PairSniffer(overlay.netdev(h));
    await sniffer.enable();
    const src = new LinuxTrafficSource(overlay, h, sniffer, opts);
    await sniffer.reset();
    return src;
  }

  get host(): HostId {
    return this.h.id;
  }

  readTraffic(): Promise<TrafficEntry[]> {
    return this.sniffer.read();
  }

  /**
   * The host's devices with their counters (`ip -s -j link show`). Calls made while one is running share it: the
   * load and the link readings of an interval, started together, cost one process.
   */
  private stats(): Promise<IpLink[]> {
    if (this.statsRunning !== null) return this.statsRunning;
    const argv = ["ip", "-s", "-j", "-n", this.h.netns, "link", "show"];
    const p = run(argv).then((out) => parseJsonOutput(IpLinks, out, argv.join(" ")));
    this.statsRunning = p;
    const clear = (): void => {
      this.statsRunning = null;
    };
    p.then(clear, clear);
    return p;
  }

  /** Rates over the time since the previous reading of the same counter (undefined on the first reading). */
  private static rates(prev: Counted | undefined | null, cur: Counted): { rxMbps?: number; txMbps?: number } {
    if (prev === undefined || prev === null || cur.atMs <= prev.atMs || cur.rx < prev.rx || cur.tx < prev.tx) return {};
    const dt = cur.atMs - prev.atMs;
    return { rxMbps: bytesToMbps(cur.rx - prev.rx, dt), txMbps: bytesToMbps(cur.tx - prev.tx, dt) };
  }

  async readLoad(): Promise<LoadSample> {
    const [cpu, loadAvg, memPct, devs] = await Promise.all([readCpuTimes(), readLoadAvg(), readMemPct(), this.stats()]);
    const prevCpu = this.cpu;
    this.cpu = cpu;
    const ul = devs.find((d) => d.ifname === this.h.underlayDev)?.stats64;
    const cur: Counted | null = ul === undefined ? null : { atMs: performance.now(), rx: ul.rx.bytes, tx: ul.tx.bytes };
    const net = cur === null ? {} : LinuxTrafficSource.rates(this.underlay, cur);
    this.underlay = cur;
    return {
      ...(prevCpu === null ? {} : { cpuPct: cpuPctBetween(prevCpu, cpu) }),
      loadAvg,
      memPct,
      ...(net.rxMbps === undefined ? {} : { netInMbps: net.rxMbps }),
      ...(net.txMbps === undefined ? {} : { netOutMbps: net.txMbps }),
    };
  }

  /**
   * One sample per link: the tunnel's passive counters, and (unless `probeCount` is 0) a probe of every link at
   * once, its pings side by side in one process in the host's namespace.
   */
  async readLinks(): Promise<LinkSample[]> {
    const devs = await this.stats();
    const now = performance.now();
    const links = this.overlay.linksIn(this.h, devs);
    const count = this.opts.probeCount ?? 3;
    const interval = this.opts.probeIntervalS ?? 0.2;
    const peers = links.map((to) => this.overlay.hostLayout(to));
    const probes = count === 0 || peers.length === 0 ? new Map<string, PingSummary>() : await this.probe(peers.map((g) => g.endpointIp), count, interval);
    return links.map((to, i): LinkSample => {
      const g = peers[i]!;
      const dev = tunnelOf(this.h, g, this.overlay.layout).dev;
      const st = devs.find((d) => d.ifname === dev)?.stats64;
      let passive = {};
      if (st !== undefined) {
        const cur = { atMs: now, rx: st.rx.bytes, tx: st.tx.bytes };
        passive = LinuxTrafficSource.rates(this.tunnels.get(to), cur);
        this.tunnels.set(to, cur);
      }
      if (count === 0) return { to, ...passive };
      const p = probes.get(g.endpointIp);
      if (p === undefined) throw new ExternalError("ping", `${this.h.id}: no ping summary for ${to} (${g.endpointIp})`);
      return { to, ...(p.rttAvgMs === null ? {} : { latencyMs: p.rttAvgMs / 2 }), lossPct: p.lossPct, ...passive };
    });
  }

  /** Pings each address `count` times, all at once, in one shell in the host's namespace. */
  private async probe(ips: readonly string[], count: number, intervalS: number): Promise<Map<string, PingSummary>> {
    // Addresses come from the layout (IPv4 dotted quads), so they are safe in the script.
    const script = [...ips.map((ip) => `ping -q -n -c ${count} -i ${intervalS} -W 2 ${ip} &`), "wait"].join(" ");
    const out = await runIn(this.h.netns, ["sh", "-c", script], { timeoutMs: 10_000 + count * intervalS * 1000 });
    return parsePingSummaries(out);
  }
}
