/**
 * Host load from /proc (pure parsers for /proc/stat, /proc/loadavg, /proc/meminfo, plus readers) and the parser of
 * `ping -q` summaries used by link probes. /proc is the machine's, not a namespace's: in the testbed every host
 * reports the whole machine's CPU, which is what its VMs' processes compete for.
 */
import { readFile } from "node:fs/promises";
import { ExternalError } from "../../core/errors.js";

/** Aggregate CPU jiffies from the `cpu ` line of /proc/stat. */
export interface CpuTimes {
  readonly busy: number;
  readonly total: number;
}

/** Parses the first (`cpu `) line of /proc/stat: busy = total − idle − iowait. */
export function parseProcStat(text: string): CpuTimes {
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  if (line === undefined) throw new ExternalError("/proc/stat", "no 'cpu' line");
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 4 || f.some((x) => !Number.isFinite(x) || x < 0)) throw new ExternalError("/proc/stat", `bad 'cpu' line: ${line}`);
  // user nice system idle iowait irq softirq steal (guest time is already in user/nice)
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, total };
}

/** CPU use between two readings, percent of all CPUs (0 when no time passed). */
export function cpuPctBetween(a: CpuTimes, b: CpuTimes): number {
  const dt = b.total - a.total;
  if (dt <= 0) return 0;
  return Math.min(100, Math.max(0, (100 * (b.busy - a.busy)) / dt));
}

/** The 1-minute load average from /proc/loadavg. */
export function parseLoadAvg(text: string): number {
  const v = Number(text.trim().split(/\s+/)[0]);
  if (!Number.isFinite(v) || v < 0) throw new ExternalError("/proc/loadavg", `bad content: ${text.slice(0, 60)}`);
  return v;
}

/** Memory in use, percent, from /proc/meminfo (MemTotal − MemAvailable). */
export function parseMemPct(text: string): number {
  const kb = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(text);
    return m === null ? undefined : Number(m[1]);
  };
  const total = kb("MemTotal");
  const avail = kb("MemAvailable");
  if (total === undefined || avail === undefined || total <= 0) throw new ExternalError("/proc/meminfo", "no MemTotal/MemAvailable");
  return (100 * (total - avail)) / total;
}

export async function readCpuTimes(): Promise<CpuTimes> {
  return parseProcStat(await readFile("/proc/stat", "utf8"));
}

export async function readLoadAvg(): Promise<number> {
  return parseLoadAvg(await readFile("/proc/loadavg", "utf8"));
}

export async function readMemPct(): Promise<number> {
  return parseMemPct(await readFile("/proc/meminfo", "utf8"));
}

/** The summary of a `ping -q` run. */
export interface PingSummary {
  readonly transmitted: number;
  readonly received: number;
  readonly lossPct: number;
  /** Round-trip times, ms; null when nothing came back. */
  readonly rttMinMs: number | null;
  readonly rttAvgMs: number | null;
  readonly rttMaxMs: number | null;
}

/** Parses iputils ping's summary lines ("N packets transmitted, M received, …" and "rtt min/avg/max/mdev = …"). */
export function parsePingSummary(text: string): PingSummary {
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(text);
  if (counts === null) throw new ExternalError("ping", `no summary in output: ${text.slice(0, 120)}`);
  const transmitted = Number(counts[1]);
  const received = Number(counts[2]);
  const rtt = /= ([\d.]+)\/([\d.]+)\/([\d.]+)\//.exec(text);
  return {
    transmitted,
    received,
    lossPct: transmitted === 0 ? 0 : (100 * (transmitted - received)) / transmitted,
    rttMinMs: rtt === null ? null : Number(rtt[1]),
    rttAvgMs: rtt === null ? null : Number(rtt[2]),
    rttMaxMs: rtt === null ? null : Number(rtt[3]),
  };
}

/**
 * The summaries of several `ping -q` runs whose output is interleaved (one shell running them side by side), by
 * destination address: each run's summary is the `--- <address> ping statistics ---` line and the lines after it.
 */
export function parsePingSummaries(text: string): Map<string, PingSummary> {
  const out = new Map<string, PingSummary>();
  const heads = [...text.matchAll(/^--- (\S+) ping statistics ---$/gm)];
  heads.forEach((m, i) => {
    const end = heads[i + 1]?.index ?? text.length;
    out.set(m[1]!, parsePingSummary(text.slice(m.index, end)));
  });
  return out;
}

/** One answered probe of a `ping -D` log: sequence number, when it was sent (reply time − RTT), its RTT. */
export interface PingProbe {
  readonly seq: number;
  readonly sentMs: number;
  readonly rttMs: number;
}

/** The answered probes in a `ping -D` log (`[epoch.micros] 64 bytes from …: icmp_seq=N ttl=T time=R ms`), by sequence. */
export function parsePingProbes(text: string): PingProbe[] {
  const out: PingProbe[] = [];
  for (const m of text.matchAll(/^\[(\d+(?:\.\d+)?)\] \d+ bytes from .*?icmp_seq=(\d+) .*?time=([\d.]+) ms/gm)) {
    const rttMs = Number(m[3]);
    out.push({ seq: Number(m[2]), sentMs: Number(m[1]) * 1000 - rttMs, rttMs });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/**
 * The connectivity gap: the longest time between sending two consecutive answered probes, over probes sent in
 * [fromMs, toMs] (all when omitted); null with fewer than two. Without loss it is about the probe interval;
 * using send times makes it immune to a change of RTT (a VM that migrates to another site).
 */
export function connectivityGapMs(probes: readonly PingProbe[], fromMs = -Infinity, toMs = Infinity): number | null {
  let best: number | null = null;
  let prev: PingProbe | null = null;
  for (const p of probes) {
    if (p.sentMs < fromMs || p.sentMs > toMs) continue;
    if (prev !== null) best = Math.max(best ?? 0, p.sentMs - prev.sentMs);
    prev = p;
  }
  return best;
}
