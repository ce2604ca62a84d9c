/**
 * SNDlib networks (S. Orlowski, R. Wessäly, M. Pióro, A. Tomaszewski, "SNDlib 1.0: Survivable Network Design
 * Library", Networks 55(3), 2010; http://sndlib.zib.de): nodes, links with pre-installed capacity and installable
 * modules, and demands. The native-text and XML parsers (sndlib-native.ts, sndlib-xml.ts) read their syntax into
 * raw records; {@link buildSndlibNetwork} checks them and converts every capacity and demand to Mbit/s.
 *
 * Units: SNDlib files state no unit except in an optional META `unit` (abilene, geant and the dynamic matrices say
 * MBITPERSEC, brain says BITSPERSEC). Capacities and demands share one unit. Without a unit, Mbit/s is assumed
 * (SNDlib's usual unit) and a warning says so.
 */
import { InputError, type InputLocation } from "../core/errors.js";
import { isLatLon } from "../core/geo.js";
import { sample } from "./warnings.js";

/** A node; `x`, `y` are longitude and latitude when the network's coordinates are geographical. */
export interface SndlibNode {
  readonly id: string;
  readonly x?: number;
  readonly y?: number;
}

/** An installable capacity module. */
export interface SndlibModule {
  readonly capacityMbps: number;
  readonly cost: number;
}

/** Which rule gave a link its {@link SndlibLink.capacityMbps}. */
export const CapacityRule = {
  /** The link's pre-installed capacity (> 0): what is really there (abilene, atlanta, ta2, dfn-gwin have some). */
  PreInstalled: "pre-installed",
  /** No pre-installed capacity: the smallest installable module's capacity. */
  SmallestModule: "smallest-module",
  /** Neither: the caller's default (see {@link DEFAULT_SNDLIB_CAPACITY_MBPS}). */
  Default: "default",
} as const;
export type CapacityRule = (typeof CapacityRule)[keyof typeof CapacityRule];

/** Capacity given to a link that has neither pre-installed capacity nor modules, Mbit/s. */
export const DEFAULT_SNDLIB_CAPACITY_MBPS = 1000;

/** A link. SNDlib links are undirected unless a separate model file says otherwise; `source`/`target` as written. */
export interface SndlibLink {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** Pre-installed capacity, Mbit/s (0 when none). */
  readonly preInstalledMbps: number;
  readonly preInstalledCost: number;
  readonly routingCost: number;
  readonly setupCost: number;
  /** Installable modules, as listed. */
  readonly modules: readonly SndlibModule[];
  /** The capacity vadapt uses, Mbit/s, chosen by {@link capacityRule}. */
  readonly capacityMbps: number;
  readonly capacityRule: CapacityRule;
}

/** A demand: traffic from `source` to `target`. */
export interface SndlibDemand {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** Demand value × routing unit, Mbit/s. */
  readonly valueMbps: number;
  /** Capacity one unit of the demand consumes (1 in every shipped file). */
  readonly routingUnit: number;
  /** Hop limit; undefined when UNLIMITED or absent. */
  readonly maxPathLength?: number;
}

/** Kind of node coordinates: longitude/latitude degrees, or a planar drawing (pixels). */
export const SndlibCoordinates = { Geographical: "geographical", Pixel: "pixel", None: "none" } as const;
export type SndlibCoordinates = (typeof SndlibCoordinates)[keyof typeof SndlibCoordinates];

/** The unit capacities and demands were given in. */
export interface SndlibUnit {
  /** As written in META (`MBITPERSEC`, `BITSPERSEC`, ...), or `MBITPERSEC` when assumed. */
  readonly name: string;
  /** Mbit/s per unit of the file. */
  readonly mbpsPerUnit: number;
  /** True when the file named no (known) unit and Mbit/s was assumed. */
  readonly assumed: boolean;
}

/** A parsed SNDlib network file (or demand-matrix file: same shape, usually without links). */
export interface SndlibNetwork {
  readonly file: string;
  /** META entries (`granularity`, `time`, `unit`, `origin`), as written. */
  readonly meta: Readonly<Record<string, string>>;
  readonly unit: SndlibUnit;
  /** Declared (XML `coordinatesType`) or, for native files, detected from the value ranges. */
  readonly coordinates: SndlibCoordinates;
  readonly nodes: readonly SndlibNode[];
  readonly links: readonly SndlibLink[];
  readonly demands: readonly SndlibDemand[];
  /** Things the user should know (assumed unit, planar coordinates). */
  readonly warnings: readonly string[];
}

/** Where a raw record came from; `field` names the part at fault. Computed only when something is wrong. */
export type Locate = (field?: string) => InputLocation;

/** A node, link or demand as read, before checks and unit conversion. */
export interface RawNode {
  readonly id: string;
  readonly x?: number;
  readonly y?: number;
  readonly at: Locate;
}
export interface RawLink {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly preInstalled?: { readonly capacity: number; readonly cost: number };
  readonly routingCost?: number;
  readonly setupCost?: number;
  readonly modules: ReadonlyArray<{ readonly capacity: number; readonly cost: number }>;
  readonly at: Locate;
}
export interface RawDemand {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly value: number;
  readonly routingUnit?: number;
  readonly maxPathLength?: number;
  readonly at: Locate;
}
export interface RawNetwork {
  readonly file: string;
  readonly meta: Readonly<Record<string, string>>;
  /** XML `coordinatesType`; undefined for native files (detected). */
  readonly coordinatesType?: string;
  readonly nodes: readonly RawNode[];
  readonly links: readonly RawLink[];
  readonly demands: readonly RawDemand[];
}

/** Options of the SNDlib parsers. */
export interface SndlibParseOptions {
  /** Capacity of links with neither pre-installed capacity nor modules, Mbit/s (default {@link DEFAULT_SNDLIB_CAPACITY_MBPS}). */
  readonly defaultCapacityMbps?: number;
}

const UNITS: Readonly<Record<string, number>> = {
  BITSPERSEC: 1e-6,
  BITPERSEC: 1e-6,
  KBITSPERSEC: 1e-3,
  KBITPERSEC: 1e-3,
  MBITSPERSEC: 1,
  MBITPERSEC: 1,
  GBITSPERSEC: 1e3,
  GBITPERSEC: 1e3,
};

/** The unit named by META `unit`, or Mbit/s assumed (with a warning) when absent or unknown. */
export function sndlibUnit(meta: Readonly<Record<string, string>>, file: string, warnings: string[]): SndlibUnit {
  const name = meta.unit?.trim().toUpperCase();
  if (name !== undefined && UNITS[name] !== undefined) return { name, mbpsPerUnit: UNITS[name], assumed: false };
  warnings.push(
    name === undefined
      ? `${file}: no META unit; capacities and demands are taken as Mbit/s (SNDlib's usual unit)`
      : `${file}: unknown META unit '${meta.unit}'; capacities and demands are taken as Mbit/s`,
  );
  return { name: "MBITPERSEC", mbpsPerUnit: 1, assumed: true };
}

function detectCoordinates(raw: RawNetwork, warnings: string[]): SndlibCoordinates {
  const placed = raw.nodes.filter((n) => n.x !== undefined && n.y !== undefined);
  if (placed.length === 0) return SndlibCoordinates.None;
  const allGeo = placed.every((n) => isLatLon(n.y!, n.x!));
  const declared = raw.coordinatesType?.trim().toLowerCase();
  if (declared === SndlibCoordinates.Pixel) return SndlibCoordinates.Pixel;
  if (declared === SndlibCoordinates.Geographical) {
    if (allGeo) return SndlibCoordinates.Geographical;
    warnings.push(`${raw.file}: coordinates are declared geographical but some are not valid longitude/latitude pairs; treated as planar`);
    return SndlibCoordinates.Pixel;
  }
  if (declared !== undefined) warnings.push(`${raw.file}: unknown coordinatesType '${raw.coordinatesType}'; detected from the values`);
  if (allGeo) return SndlibCoordinates.Geographical;
  warnings.push(`${raw.file}: node coordinates are planar (some lie outside longitude/latitude ranges), not geographical: no distances`);
  return SndlibCoordinates.Pixel;
}

/**
 * Checks raw records (unique ids; links and demands name known nodes; no negative numbers), converts capacities
 * and demands to Mbit/s and picks each link's capacity: pre-installed when > 0, else the smallest module, else
 * the default. Throws an {@link InputError} at the offending record.
 */
export function buildSndlibNetwork(raw: RawNetwork, options: SndlibParseOptions = {}): SndlibNetwork {
  const warnings: string[] = [];
  const unit = sndlibUnit(raw.meta, raw.file, warnings);
  const k = unit.mbpsPerUnit;
  const defaultMbps = options.defaultCapacityMbps ?? DEFAULT_SNDLIB_CAPACITY_MBPS;

  const nodeIds = new Set<string>();
  for (const n of raw.nodes) {
    if (nodeIds.has(n.id)) throw new InputError(n.at("id"), `duplicate node '${n.id}'`);
    nodeIds.add(n.id);
  }
  const endpoint = (kind: string, r: { source: string; target: string; at: Locate }): void => {
    if (!nodeIds.has(r.source)) throw new InputError(r.at("source"), `${kind} names unknown node '${r.source}'`);
    if (!nodeIds.has(r.target)) throw new InputError(r.at("target"), `${kind} names unknown node '${r.target}'`);
  };
  const nonNeg = (v: number, at: Locate, field: string): number => {
    if (v < 0) throw new InputError(at(field), `${v} is negative`);
    return v;
  };

  const linkIds = new Set<string>();
  const defaulted: string[] = [];
  const links = raw.links.map((l): SndlibLink => {
    if (linkIds.has(l.id)) throw new InputError(l.at("id"), `duplicate link '${l.id}'`);
    linkIds.add(l.id);
    endpoint("link", l);
    const modules = l.modules.map((m) => ({ capacityMbps: nonNeg(m.capacity, l.at, "module capacity") * k, cost: m.cost }));
    const pre = nonNeg(l.preInstalled?.capacity ?? 0, l.at, "pre-installed capacity") * k;
    let capacityMbps: number;
    let capacityRule: CapacityRule;
    if (pre > 0) {
      capacityMbps = pre;
      capacityRule = CapacityRule.PreInstalled;
    } else if (modules.some((m) => m.capacityMbps > 0)) {
      capacityMbps = modules.reduce((min, m) => (m.capacityMbps > 0 && m.capacityMbps < min ? m.capacityMbps : min), Number.POSITIVE_INFINITY);
      capacityRule = CapacityRule.SmallestModule;
    } else {
      capacityMbps = defaultMbps;
      capacityRule = CapacityRule.Default;
      defaulted.push(l.id);
    }
    return {
      id: l.id,
      source: l.source,
      target: l.target,
      preInstalledMbps: pre,
      preInstalledCost: l.preInstalled?.cost ?? 0,
      routingCost: l.routingCost ?? 0,
      setupCost: l.setupCost ?? 0,
      modules,
      capacityMbps,
      capacityRule,
    };
  });
  if (defaulted.length > 0) {
    warnings.push(`${raw.file}: ${defaulted.length} link(s) have neither pre-installed capacity nor modules and get ${defaultMbps} Mbit/s: ${sample(defaulted)}`);
  }

  const demandIds = new Set<string>();
  const demands = raw.demands.map((d): SndlibDemand => {
    if (demandIds.has(d.id)) throw new InputError(d.at("id"), `duplicate demand '${d.id}'`);
    demandIds.add(d.id);
    endpoint("demand", d);
    const routingUnit = nonNeg(d.routingUnit ?? 1, d.at, "routing unit");
    return {
      id: d.id,
      source: d.source,
      target: d.target,
      valueMbps: nonNeg(d.value, d.at, "demand value") * routingUnit * k,
      routingUnit,
      ...(d.maxPathLength !== undefined ? { maxPathLength: d.maxPathLength } : {}),
    };
  });

  const coordinates = detectCoordinates(raw, warnings);
  const nodes = raw.nodes.map((n): SndlibNode => ({ id: n.id, ...(n.x !== undefined && n.y !== undefined ? { x: n.x, y: n.y } : {}) }));
  return { file: raw.file, meta: raw.meta, unit, coordinates, nodes, links, demands, warnings };
}
