/**
 * Pure encoding and decoding of trace lines. The streaming file reader and writer (src/adapters/trace) wrap this.
 */
import { ErrorCode, InputError, type InputLocation } from "../errors.js";
import type { HostId, Mac, VmId } from "../model/ids.js";
import { parseInput } from "../validate.js";
import { TRACE_FORMAT, TRACE_VERSION, TraceEvent, TraceHeader, type TraceHeaderInput, type TrafficEvent } from "./events.js";

function parseJson(line: string, where: InputLocation): unknown {
  try {
    return JSON.parse(line);
  } catch (e) {
    throw new InputError(where, `not valid JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
}

/** Decodes and validates the header line. */
export function decodeHeader(line: string, where: InputLocation): TraceHeader {
  const raw = parseJson(line, where);
  if (typeof raw !== "object" || raw === null || (raw as { type?: unknown }).type !== "header") {
    throw new InputError({ ...where, field: "type" }, `the first line must be a trace header ({"type":"header","format":"${TRACE_FORMAT}",...})`);
  }
  const version = (raw as { version?: unknown }).version;
  if (typeof version === "number" && version > TRACE_VERSION) {
    throw new InputError({ ...where, field: "version" }, `trace format version ${version} is newer than this vadapt reads (${TRACE_VERSION})`, {
      code: ErrorCode.UnsupportedVersion,
    });
  }
  const header = parseInput(TraceHeader, raw, where);
  const hosts = new Set<string>();
  header.hosts.forEach((h, i) => {
    if (hosts.has(h.id)) throw new InputError({ ...where, field: `hosts[${i}].id` }, `duplicate host '${h.id}'`);
    hosts.add(h.id);
  });
  const vms = new Set<string>();
  const macs = new Set<string>();
  header.vms.forEach((v, i) => {
    if (vms.has(v.id)) throw new InputError({ ...where, field: `vms[${i}].id` }, `duplicate VM '${v.id}'`);
    if (macs.has(v.mac)) throw new InputError({ ...where, field: `vms[${i}].mac` }, `duplicate MAC '${v.mac}'`);
    if (v.host !== undefined && !hosts.has(v.host)) throw new InputError({ ...where, field: `vms[${i}].host` }, `unknown host '${v.host}'`);
    vms.add(v.id);
    macs.add(v.mac);
  });
  header.links.forEach((l, i) => {
    if (!hosts.has(l.from)) throw new InputError({ ...where, field: `links[${i}].from` }, `unknown host '${l.from}'`);
    if (!hosts.has(l.to)) throw new InputError({ ...where, field: `links[${i}].to` }, `unknown host '${l.to}'`);
  });
  return header;
}

/** The numeric fields of a link measurement and of a load sample (besides `tMs`). */
const LINK_NUMBERS: ReadonlySet<string> = new Set(["mbps", "latencyMs", "lossPct"]);
const LOAD_NUMBERS: ReadonlySet<string> = new Set(["cpuPct", "memPct", "netInMbps", "netOutMbps", "loadAvg"]);

/**
 * Decodes event lines against a header: validates each line's fields, that the hosts, VMs and MACs it names
 * are known (declared in the header or by an earlier `vm` event), and that time does not go backwards.
 * A rejected line leaves the decoder's state unchanged, so a lenient reader can skip it and go on.
 */
export class TraceDecoder {
  readonly header: TraceHeader;
  private readonly hosts: Set<HostId>;
  private readonly vms = new Map<VmId, Mac>();
  private readonly macs = new Set<Mac>();
  private lastTMs = 0;

  constructor(header: TraceHeader) {
    this.header = header;
    this.hosts = new Set(header.hosts.map((h) => h.id));
    for (const v of header.vms) {
      this.vms.set(v.id, v.mac);
      this.macs.add(v.mac);
    }
  }

  /**
   * The hot path for traffic reports, which carry most of a trace's bytes: a plain structural check that accepts
   * exactly the canonical form the writer produces (known canonical MACs, finite non-negative numbers). Anything
   * else returns null and goes through the zod schema, which normalises or names the bad field. A property test
   * checks that whatever this accepts, the schema accepts with the same result.
   */
  private fastTraffic(raw: unknown): TrafficEvent | null {
    const r = raw as Record<string, unknown>;
    const { tMs, host, startMs, intervalMs, entries } = r;
    if (typeof tMs !== "number" || !(tMs >= 0) || tMs === Infinity) return null;
    if (typeof startMs !== "number" || !(startMs >= 0) || startMs === Infinity) return null;
    if (typeof intervalMs !== "number" || !(intervalMs > 0) || intervalMs === Infinity) return null;
    if (host !== undefined && (typeof host !== "string" || !this.hosts.has(host as HostId))) return null;
    if (!Array.isArray(entries)) return null;
    for (let i = 0; i < entries.length; i++) {
      const c: unknown = entries[i];
      if (!Array.isArray(c) || c.length !== 4) return null;
      const a: unknown = c[0];
      const b: unknown = c[1];
      const bytes: unknown = c[2];
      const packets: unknown = c[3];
      if (typeof a !== "string" || typeof b !== "string" || !this.macs.has(a as Mac) || !this.macs.has(b as Mac)) return null;
      if (typeof bytes !== "number" || !(bytes >= 0) || bytes === Infinity) return null;
      if (typeof packets !== "number" || !(packets >= 0) || packets === Infinity) return null;
    }
    const e = { type: "traffic", tMs, startMs, intervalMs, entries } as TrafficEvent;
    return host === undefined ? e : { ...e, host: host as HostId };
  }

  /**
   * The hot path for link measurements and load samples (in measurement-heavy traces most lines are these): the
   * event itself when it has only the schema's keys, known hosts/VMs and plain finite non-negative numbers, else
   * null (the zod schema decides and names the bad field). Property-tested against the schema like
   * {@link fastTraffic}.
   */
  private fastMeasurement(r: Record<string, unknown>): TraceEvent | null {
    const isLink = r.type === "link";
    const allowed = isLink ? LINK_NUMBERS : LOAD_NUMBERS;
    let numbers = 0;
    for (const k in r) {
      const v = r[k];
      if (k === "type") continue;
      if (k === "tMs" || allowed.has(k)) {
        if (typeof v !== "number" || !(v >= 0) || v === Infinity) return null;
        if (k !== "tMs") numbers++;
      } else if (isLink ? k === "from" || k === "to" : k === "host") {
        if (typeof v !== "string" || !this.hosts.has(v as HostId)) return null;
      } else if (!isLink && k === "vm") {
        if (typeof v !== "string" || !this.vms.has(v as VmId)) return null;
      } else return null;
    }
    if (typeof r.tMs !== "number") return null;
    if (isLink) {
      if (typeof r.from !== "string" || typeof r.to !== "string" || numbers === 0) return null;
      if (typeof r.lossPct === "number" && r.lossPct > 100) return null;
    } else if ((r.host === undefined) === (r.vm === undefined)) return null;
    return r as TraceEvent;
  }

  /** Decodes one event line (1-based `line` for messages). Throws {@link InputError} on any problem. */
  decode(text: string, where: InputLocation): TraceEvent {
    const raw = parseJson(text, where);
    let fast: TraceEvent | null = null;
    if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
      const type = (raw as { type?: unknown }).type;
      if (type === "traffic") fast = this.fastTraffic(raw);
      else if (type === "link" || type === "load") fast = this.fastMeasurement(raw as Record<string, unknown>);
    }
    const e = fast ?? parseInput(TraceEvent, raw, where);
    const bad = (field: string, reason: string): never => {
      throw new InputError({ ...where, field }, reason);
    };
    if (e.tMs < this.lastTMs) bad("tMs", `time goes backwards (${e.tMs} < ${this.lastTMs}); events must be in non-decreasing tMs order`);
    switch (e.type) {
      case "traffic": {
        if (fast !== null) break; // the fast path has checked hosts and MACs
        if (e.host !== undefined && !this.hosts.has(e.host)) bad("host", `unknown host '${e.host}'`);
        for (let i = 0; i < e.entries.length; i++) {
          const cell = e.entries[i]!;
          if (!this.macs.has(cell[0])) bad(`entries[${i}][0]`, `unknown MAC '${cell[0]}' (declare it in the header or a vm event)`);
          if (!this.macs.has(cell[1])) bad(`entries[${i}][1]`, `unknown MAC '${cell[1]}' (declare it in the header or a vm event)`);
        }
        break;
      }
      case "load":
        if (e.host !== undefined && !this.hosts.has(e.host)) bad("host", `unknown host '${e.host}'`);
        if (e.vm !== undefined && !this.vms.has(e.vm)) bad("vm", `unknown VM '${e.vm}'`);
        break;
      case "link":
        if (!this.hosts.has(e.from)) bad("from", `unknown host '${e.from}'`);
        if (!this.hosts.has(e.to)) bad("to", `unknown host '${e.to}'`);
        break;
      case "vm": {
        const known = this.vms.get(e.vm.id);
        if (known !== undefined && known !== e.vm.mac) bad("vm.mac", `VM '${e.vm.id}' already has MAC ${known}`);
        if (known === undefined && this.macs.has(e.vm.mac)) bad("vm.mac", `MAC ${e.vm.mac} already belongs to another VM`);
        if (e.vm.host !== undefined && !this.hosts.has(e.vm.host)) bad("vm.host", `unknown host '${e.vm.host}'`);
        this.vms.set(e.vm.id, e.vm.mac);
        this.macs.add(e.vm.mac);
        break;
      }
      case "mark":
        break;
      case "truth":
        e.demands?.forEach((d, i) => {
          if (!this.vms.has(d[0])) bad(`demands[${i}][0]`, `unknown VM '${d[0]}'`);
          if (!this.vms.has(d[1])) bad(`demands[${i}][1]`, `unknown VM '${d[1]}'`);
        });
        break;
    }
    this.lastTMs = e.tMs;
    return e;
  }
}

/** Builds a version-1 header from its parts (defaults filled in by the schema). */
export function makeHeader(h: Omit<TraceHeaderInput, "type" | "format" | "version">): TraceHeader {
  return TraceHeader.parse({ type: "header", format: TRACE_FORMAT, version: TRACE_VERSION, ...h });
}

/** Encodes a header or event as one line (no trailing newline). */
export function encodeLine(e: TraceHeader | TraceEvent): string {
  return JSON.stringify(e);
}
