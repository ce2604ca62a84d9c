/**
 * The overlay the optimizer manages: hosts, VMs (with MACs and where they run), and every overlay link that may
 * exist. Given to `vadapt serve` and `vadapt agent --sim` as a JSON file; the same shape as a trace header's.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError, IoError } from "../core/errors.js";
import { Host, OverlayLink, Vm } from "../core/model/network.js";
import { makeHeader } from "../core/trace/codec.js";
import type { TraceHeader } from "../core/trace/events.js";
import { parseConfig } from "../core/validate.js";

export const WorldFile = z.object({
  name: z.string().optional(),
  hosts: z.array(Host).min(1),
  vms: z.array(Vm),
  links: z.array(OverlayLink),
  /** Simulated agents only: the application's demands, Mbit/s. */
  demands: z.array(z.object({ src: z.string(), dst: z.string(), mbps: z.number().nonnegative() })).optional(),
});
export type WorldFile = z.infer<typeof WorldFile>;

export function loadWorld(path: string): WorldFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    if (e instanceof SyntaxError) throw new ConfigError(path, [`not valid JSON: ${e.message}`]);
    throw new IoError(path, `cannot read world file: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return parseConfig(WorldFile, raw, path);
}

/** The world as a trace header (also validates references: hosts of VMs and links). */
export function headerOfWorld(w: WorldFile, intervalMs: number, source: string): TraceHeader {
  const header = makeHeader({ name: w.name ?? "vadapt overlay", source, intervalMs, hosts: w.hosts, vms: w.vms, links: w.links });
  const hosts = new Set(header.hosts.map((h) => h.id as string));
  const problems: string[] = [];
  header.vms.forEach((v, i) => {
    if (v.host !== undefined && !hosts.has(v.host)) problems.push(`vms[${i}].host: unknown host '${v.host}'`);
  });
  header.links.forEach((l, i) => {
    if (!hosts.has(l.from)) problems.push(`links[${i}].from: unknown host '${l.from}'`);
    if (!hosts.has(l.to)) problems.push(`links[${i}].to: unknown host '${l.to}'`);
  });
  if (problems.length > 0) throw new ConfigError(source, problems);
  return header;
}
