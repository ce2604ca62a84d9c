/**
 * What the daemon of one testbed host observes (the {@link TrafficSource} an agent reads each interval):
 * - traffic: the kernel's per-MAC-pair counters (sniffer.ts), as deltas;
 * - load: CPU (from /proc/stat deltas), run-queue load average, memory, and the host's underlay traffic;
 * - links: per active link, latency and loss from a light active probe (a few pings to the peer host's bridge
 *   address, through the tunnel itself: the relay's delay and the WAN's queue included), and the bytes sent and
 *   received over the tunnel (passive counters of its VXLAN device).
 */
import type { HostId } from "../../core/model/ids.js";
import { bytesToMbps, type TrafficEntry } from "../../core/model/traffic.js";
import { tunnelOf, type HostLayout } from "../../core/testbed/layout.js";
import type { LinkSample, LoadSample, TrafficSource } from "../overlay.js";
import { run, runIn } from "./exec.js";
import { IpLinks, parseJsonOutput, type IpLink } from "./iproute-json.js";
import type { LinuxOverlay } from "./overlay-driver.js";
import { cpuPctBetween, parsePingSummary, readCpuTimes, readLoadAvg, readMemPct, type CpuTimes } from "./proc.js";
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

  private async stats(): Promise<IpLink[]> {
    const argv = ["ip", "-s", "-j", "-n", this.h.netns, "link", "show"];
    return parseJsonOutput(IpLinks, await run(argv), argv.join(" "));
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

  async readLinks(): Promise<LinkSample[]> {
    const [state, devs] = await Promise.all([this.overlay.host(this.h.id).state(), this.stats()]);
    const now = performance.now();
    const count = this.opts.probeCount ?? 3;
    const interval = this.opts.probeIntervalS ?? 0.2;
    return Promise.all(
      state.links.map(async (to): Promise<LinkSample> => {
        const g = this.overlay.hostLayout(to);
        const dev = tunnelOf(this.h, g, this.overlay.layout).dev;
        const st = devs.find((d) => d.ifname === dev)?.stats64;
        let passive = {};
        if (st !== undefined) {
          const cur = { atMs: now, rx: st.rx.bytes, tx: st.tx.bytes };
          passive = LinuxTrafficSource.rates(this.tunnels.get(to), cur);
          this.tunnels.set(to, cur);
        }
        if (count === 0) return { to, ...passive };
        const out = await runIn(this.h.netns, ["ping", "-q", "-n", "-c", String(count), "-i", String(interval), "-W", "2", g.endpointIp], {
          okCodes: [1],
          timeoutMs: 10_000 + count * interval * 1000,
        });
        const p = parsePingSummary(out);
        return { to, ...(p.rttAvgMs === null ? {} : { latencyMs: p.rttAvgMs / 2 }), lossPct: p.lossPct, ...passive };
      }),
    );
  }
}
