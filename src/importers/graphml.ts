/**
 * `vadapt import graphml`: Internet Topology Zoo GraphML files (S. Knight, H. X. Nguyen, N. Falkner, R. Bowden,
 * M. Roughan, "The Internet Topology Zoo", IEEE JSAC 29(9), 2011) → hosts and overlay links.
 *
 * - Hosts are the nodes (id = GraphML node id, site = its `label`, lat/lon from `Latitude`/`Longitude`).
 * - Each edge is a link both ways (one way for directed edges). Speed: `LinkSpeedRaw` (bit/s) / 1e6 Mbit/s; else
 *   `LinkSpeed` × `LinkSpeedUnits` (K/M/G/T) when both are there; else the default speed, with a warning.
 *   Parallel edges (the Zoo's multi-edges) become one link whose speed is their sum. Self-loops are skipped.
 * - Latency: great-circle distance between the endpoints at 2/3 c (src/core/geo.ts); the default latency, with
 *   a warning naming the nodes, where an endpoint has no coordinates.
 * Any GraphML file parses: unknown keys, `<hyperedge>`s, nested graphs and ports are skipped with a warning;
 * malformed XML, an edge naming an unknown node or a duplicate node id is an {@link InputError} naming file,
 * line and element. See docs/importers.md#graphml.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { z } from "zod";
import { ConfigError, InputError, IoError } from "../core/errors.js";
import { greatCircleLatencyMs, isLatLon, type LatLon } from "../core/geo.js";
import { hostId } from "../core/model/ids.js";
import type { HostInput, OverlayLinkInput } from "../core/model/network.js";
import { makeHeader } from "../core/trace/codec.js";
import type { ImportedTrace } from "./types.js";
import { sample } from "./warnings.js";
import { decodeXml, parseXml, xmlLocation, xmlParse, type XmlDocument } from "./xml.js";

/** A node with its GraphML attributes (by `attr.name`). */
export interface ZooNode {
  readonly id: string;
  readonly label?: string;
  readonly lat?: number;
  readonly lon?: number;
  readonly data: Readonly<Record<string, string>>;
}

/** Where an edge's speed came from. */
export const SpeedSource = { LinkSpeedRaw: "LinkSpeedRaw", LinkSpeed: "LinkSpeed" } as const;
export type SpeedSource = (typeof SpeedSource)[keyof typeof SpeedSource];

/** An edge, as written (multi-edges are separate edges here). */
export interface ZooEdge {
  readonly source: string;
  readonly target: string;
  readonly directed: boolean;
  /** Link speed, Mbit/s, when the file gives one. */
  readonly speedMbps?: number;
  readonly speedFrom?: SpeedSource;
  readonly data: Readonly<Record<string, string>>;
}

/** A parsed GraphML topology. */
export interface ZooNetwork {
  readonly file: string;
  /** The graph's `label` or `Network` attribute, else the file name. */
  readonly name: string;
  /** The graph's `edgedefault`. */
  readonly directed: boolean;
  readonly graph: Readonly<Record<string, string>>;
  readonly nodes: readonly ZooNode[];
  readonly edges: readonly ZooEdge[];
  /** Parts of the file that were skipped. */
  readonly warnings: readonly string[];
}

const ARRAY_TAGS = new Set(["key", "graph", "node", "edge", "hyperedge", "data", "port", "endpoint"]);
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const Id = z.string().min(1, "empty id");
const Data = z.looseObject({ "@key": Id, "#text": z.string().optional() });
const Key = z.looseObject({ "@id": Id, "@attr.name": z.string().optional(), default: z.unknown().optional() });
const Node = z.looseObject({ "@id": Id, data: z.array(Data).default([]), graph: z.array(z.unknown()).optional(), port: z.array(z.unknown()).optional() });
const Edge = z.looseObject({ "@source": Id, "@target": Id, "@directed": z.enum(["true", "false"]).optional(), data: z.array(Data).default([]) });
const Graph = z.looseObject({
  "@edgedefault": z.enum(["directed", "undirected"]).optional(),
  data: z.array(Data).default([]),
  node: z.array(z.unknown()).default([]),
  edge: z.array(z.unknown()).default([]),
  hyperedge: z.array(z.unknown()).optional(),
});
const GraphmlRoot = z.looseObject({ key: z.array(z.unknown()).default([]), graph: z.preprocess((v) => v ?? [], z.array(z.unknown()).min(1, "no <graph> element")) });

/** Mbit/s per unit of `LinkSpeedUnits`. */
const SPEED_UNITS: Readonly<Record<string, number>> = { K: 1e-3, M: 1, G: 1e3, T: 1e6 };

function toNumber(s: string | undefined): number | undefined {
  if (s === undefined || !DECIMAL.test(s.trim())) return undefined;
  const v = Number(s.trim());
  return Number.isFinite(v) ? v : undefined;
}

/** Attribute names and defaults of the file's `<key>`s, and the key ids data elements used without a `<key>`. */
class Keys {
  private readonly names = new Map<string, string>();
  private readonly defaults: Array<[string, string]> = [];
  readonly unknown = new Set<string>();
  constructor(doc: XmlDocument, keys: readonly unknown[]) {
    keys.forEach((raw, i) => {
      const k = xmlParse(doc, Key, raw, ["graphml", "key", i]);
      const name = k["@attr.name"] ?? k["@id"];
      this.names.set(k["@id"], name);
      if (typeof k.default === "string") this.defaults.push([k["@id"], k.default]);
    });
  }
  /** The element's attributes by name: its `<data>` over the keys' defaults. */
  attrs(data: ReadonlyArray<z.output<typeof Data>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [id, v] of this.defaults) out[this.names.get(id)!] = v;
    for (const d of data) {
      const name = this.names.get(d["@key"]);
      if (name === undefined) this.unknown.add(d["@key"]);
      out[name ?? d["@key"]] = d["#text"] ?? "";
    }
    return out;
  }
}

/**
 * Parses a GraphML file (Topology Zoo attributes understood: `label`, `Latitude`, `Longitude`, `LinkSpeedRaw`,
 * `LinkSpeed`, `LinkSpeedUnits`). Only the first `<graph>` is read.
 */
export function parseGraphml(text: string, file: string): ZooNetwork {
  const doc = parseXml(text, file, ARRAY_TAGS);
  const root = doc.root as Record<string, unknown> | undefined;
  if (typeof root !== "object" || root === null || !("graphml" in root)) throw new InputError({ file, line: 1 }, "not a GraphML file: no <graphml> root element");
  const gm = xmlParse(doc, GraphmlRoot, root.graphml === "" ? {} : root.graphml, ["graphml"]);
  const warnings: string[] = [];
  const keys = new Keys(doc, gm.key);
  if (gm.graph.length > 1) warnings.push(`${file}: ${gm.graph.length} <graph> elements; only the first is read`);
  const g = xmlParse(doc, Graph, gm.graph[0] === "" ? {} : gm.graph[0], ["graphml", "graph", 0]);
  const graphDirected = g["@edgedefault"] === "directed";
  const graph = keys.attrs(g.data);

  const nodes: ZooNode[] = [];
  const ids = new Set<string>();
  const badCoords: string[] = [];
  let nested = 0;
  let ports = 0;
  g.node.forEach((raw, i) => {
    const path = ["graphml", "graph", 0, "node", i];
    const n = xmlParse(doc, Node, raw, path);
    const id = n["@id"];
    if (ids.has(id)) throw new InputError(xmlLocation(doc, [...path, "@id"]), `duplicate node id '${id}'`);
    ids.add(id);
    if (n.graph !== undefined) nested++;
    if (n.port !== undefined) ports += n.port.length;
    const data = keys.attrs(n.data);
    const label = data.label;
    let lat = toNumber(data.Latitude);
    let lon = toNumber(data.Longitude);
    if ((data.Latitude !== undefined || data.Longitude !== undefined) && (lat === undefined || lon === undefined || !isLatLon(lat, lon))) {
      badCoords.push(`${label ?? id} (${data.Latitude ?? "?"}, ${data.Longitude ?? "?"})`);
      lat = lon = undefined;
    }
    nodes.push({ id, ...(label !== undefined && label !== "" ? { label } : {}), ...(lat !== undefined && lon !== undefined ? { lat, lon } : {}), data });
  });
  if (badCoords.length > 0) warnings.push(`${file}: ${badCoords.length} node(s) have invalid Latitude/Longitude, ignored: ${sample(badCoords)}`);
  if (nested > 0) warnings.push(`${file}: ${nested} node(s) hold nested graphs, ignored`);
  if (ports > 0) warnings.push(`${file}: ${ports} port(s) ignored (edges are taken between nodes)`);

  const edges: ZooEdge[] = [];
  const badSpeeds: string[] = [];
  g.edge.forEach((raw, i) => {
    const path = ["graphml", "graph", 0, "edge", i];
    const e = xmlParse(doc, Edge, raw, path);
    for (const end of ["@source", "@target"] as const) {
      if (!ids.has(e[end])) throw new InputError(xmlLocation(doc, [...path, end]), `edge names unknown node '${e[end]}'`);
    }
    const data = keys.attrs(e.data);
    const directed = e["@directed"] === undefined ? graphDirected : e["@directed"] === "true";
    let speedMbps: number | undefined;
    let speedFrom: SpeedSource | undefined;
    const rawBps = toNumber(data.LinkSpeedRaw);
    if (rawBps !== undefined && rawBps > 0) {
      speedMbps = rawBps / 1e6;
      speedFrom = SpeedSource.LinkSpeedRaw;
    } else {
      if (data.LinkSpeedRaw !== undefined) badSpeeds.push(`${e["@source"]}-${e["@target"]} ('${data.LinkSpeedRaw}')`);
      const v = toNumber(data.LinkSpeed);
      const unit = SPEED_UNITS[(data.LinkSpeedUnits ?? "").trim().toUpperCase()];
      if (v !== undefined && v > 0 && unit !== undefined) {
        speedMbps = v * unit;
        speedFrom = SpeedSource.LinkSpeed;
      }
    }
    edges.push({ source: e["@source"], target: e["@target"], directed, ...(speedMbps !== undefined ? { speedMbps, speedFrom } : {}), data });
  });
  if (badSpeeds.length > 0) warnings.push(`${file}: ${badSpeeds.length} edge(s) have an unusable LinkSpeedRaw, ignored: ${sample(badSpeeds)}`);
  if (g.hyperedge !== undefined) warnings.push(`${file}: ${g.hyperedge.length} <hyperedge>(s) skipped (only edges become links)`);
  if (keys.unknown.size > 0) warnings.push(`${file}: <data> uses undeclared key(s) ${sample([...keys.unknown])}; kept under the key id`);
  const name = graph.label || graph.Network || basename(file).replace(/\.graphml$/i, "");
  return { file, name, directed: graphDirected, graph, nodes, edges, warnings };
}

/** Speed of edges the file gives none for, Mbit/s. */
export const DEFAULT_ZOO_MBPS = 1000;
/** Latency of links with an endpoint without coordinates, ms. */
export const DEFAULT_ZOO_LATENCY_MS = 1;

export interface GraphmlImportOptions {
  /** Speed of edges without one, Mbit/s (default {@link DEFAULT_ZOO_MBPS}). */
  readonly defaultMbps?: number;
  /** Latency of links with an endpoint without coordinates, ms (default {@link DEFAULT_ZOO_LATENCY_MS}). */
  readonly defaultLatencyMs?: number;
}

/** Hosts and directed overlay links of a topology (rules in this module's comment), with what was defaulted. */
export function zooOverlay(net: ZooNetwork, options: GraphmlImportOptions = {}): { hosts: HostInput[]; links: OverlayLinkInput[]; warnings: string[] } {
  const defaultMbps = options.defaultMbps ?? DEFAULT_ZOO_MBPS;
  const defaultLatencyMs = options.defaultLatencyMs ?? DEFAULT_ZOO_LATENCY_MS;
  const warnings: string[] = [];
  const byId = new Map(net.nodes.map((n) => [n.id, n]));
  const name = (id: string): string => {
    const label = byId.get(id)?.label;
    return label === undefined ? id : `${label} (${id})`;
  };
  const pos = (id: string): LatLon | undefined => {
    const n = byId.get(id);
    return n?.lat !== undefined && n.lon !== undefined ? { lat: n.lat, lon: n.lon } : undefined;
  };
  const hosts: HostInput[] = net.nodes.map((n) => ({
    id: hostId(n.id),
    ...(n.label !== undefined ? { site: n.label } : {}),
    ...(n.lat !== undefined && n.lon !== undefined ? { lat: n.lat, lon: n.lon } : {}),
  }));

  const pairs = new Map<string, { from: string; to: string; mbps: number }>();
  const distinct = new Set<string>();
  const loops: string[] = [];
  const noSpeed: string[] = [];
  let fromLinkSpeed = 0;
  let used = 0;
  for (const e of net.edges) {
    if (e.source === e.target) {
      loops.push(name(e.source));
      continue;
    }
    used++;
    distinct.add(e.directed ? `${e.source}\u0000${e.target}` : [e.source, e.target].sort().join("\u0000") + "\u0000u");
    if (e.speedFrom === SpeedSource.LinkSpeed) fromLinkSpeed++;
    if (e.speedMbps === undefined) noSpeed.push(`${name(e.source)}-${name(e.target)}`);
    const mbps = e.speedMbps ?? defaultMbps;
    for (const [from, to] of e.directed ? [[e.source, e.target]] : [[e.source, e.target], [e.target, e.source]]) {
      const key = `${from}\u0000${to}`;
      const cur = pairs.get(key);
      if (cur === undefined) pairs.set(key, { from: from!, to: to!, mbps });
      else cur.mbps += mbps;
    }
  }
  const file = net.file;
  if (loops.length > 0) warnings.push(`${file}: ${loops.length} self-loop edge(s) skipped: ${sample(loops)}`);
  if (used > distinct.size) warnings.push(`${file}: ${used - distinct.size} parallel edge(s) merged into the link between the same nodes (speeds summed)`);
  if (fromLinkSpeed > 0) warnings.push(`${file}: ${fromLinkSpeed} edge(s) without LinkSpeedRaw took their speed from LinkSpeed and LinkSpeedUnits`);
  if (noSpeed.length > 0) warnings.push(`${file}: ${noSpeed.length} of ${used} edge(s) have no link speed and get ${defaultMbps} Mbit/s: ${sample(noSpeed)}`);

  const links: OverlayLinkInput[] = [];
  let defaulted = 0;
  for (const p of pairs.values()) {
    const a = pos(p.from);
    const b = pos(p.to);
    let latencyMs = defaultLatencyMs;
    if (a !== undefined && b !== undefined) latencyMs = Math.round(greatCircleLatencyMs(a, b) * 1000) / 1000;
    else defaulted++;
    links.push({ from: hostId(p.from), to: hostId(p.to), mbps: p.mbps, latencyMs, active: true });
  }
  const unplaced = net.nodes.filter((n) => n.lat === undefined).map((n) => name(n.id));
  if (unplaced.length > 0) {
    warnings.push(
      `${file}: ${unplaced.length} of ${net.nodes.length} node(s) have no Latitude/Longitude: ${sample(unplaced)}; ${defaulted} link direction(s) touching them get the default latency ${defaultLatencyMs} ms`,
    );
  }
  return { hosts, links, warnings };
}

/** Reads a GraphML file as a trace with hosts and overlay links and no events (see {@link zooOverlay}). */
export async function openGraphml(path: string, options: GraphmlImportOptions = {}): Promise<ImportedTrace> {
  if (options.defaultMbps !== undefined && !(options.defaultMbps > 0)) throw new ConfigError("graphml import", [`defaultMbps: ${options.defaultMbps} is not positive`]);
  if (options.defaultLatencyMs !== undefined && !(options.defaultLatencyMs >= 0)) throw new ConfigError("graphml import", [`defaultLatencyMs: ${options.defaultLatencyMs} is negative`]);
  const bytes = await readFile(path).catch((e: unknown) => {
    throw new IoError(path, `cannot read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
  const net = parseGraphml(decodeXml(bytes), path);
  const { hosts, links, warnings } = zooOverlay(net, options);
  const withSpeed = net.edges.filter((e) => e.speedMbps !== undefined).length;
  const header = makeHeader({
    name: `topology-zoo ${net.name}`,
    source: path,
    hosts,
    vms: [],
    links,
    meta: {
      importer: "graphml",
      nodes: net.nodes.length,
      edges: net.edges.length,
      edgesWithSpeed: withSpeed,
      nodesWithCoordinates: net.nodes.filter((n) => n.lat !== undefined).length,
      directed: net.directed,
      graph: net.graph,
    },
  });
  return { header, events: [], warnings: [...net.warnings, ...warnings] };
}
