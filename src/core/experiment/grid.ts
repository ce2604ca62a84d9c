/**
 * Grid expansion: the cells of an experiment, in scenario-major order (topology, pattern, load, seed, objective,
 * then algorithm), each with a stable id. The id names the cell's coordinates and ends with a hash of every
 * parameter that can change its result, so a rerun of the same config recognises finished cells (resumption),
 * and editing a parameter makes new cells instead of reusing stale results.
 */
import type { Objective } from "../model/problem.js";
import { algorithmLabel, type AlgorithmSpec, type ExperimentConfig, type InstanceParams, type LoadSpec, type PatternSpec, type SolverParams, type TopologySpec } from "./config.js";

/** One cell of the grid: everything a worker needs to run it, and nothing else. */
export interface Cell {
  readonly id: string;
  /** Position in grid order, from 0. */
  readonly index: number;
  /** The cell without its algorithm (shared by the algorithms compared on one instance). */
  readonly scenario: string;
  readonly topology: TopologySpec;
  readonly pattern: PatternSpec;
  readonly load: LoadSpec;
  readonly seed: number;
  readonly objective: Objective;
  readonly algorithm: AlgorithmSpec;
  readonly label: string;
  readonly instance: InstanceParams;
  readonly solver: SolverParams;
}

/** JSON with object keys sorted, so that equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** 64-bit FNV-1a of a string's UTF-16 code units, as 16 hex digits. */
export function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * prime) & mask;
  }
  return h.toString(16).padStart(16, "0");
}

/** Every cell of the experiment, in grid order. */
export function expandGrid(config: ExperimentConfig): Cell[] {
  const cells: Cell[] = [];
  for (const topology of config.topologies) {
    for (const pattern of config.patterns) {
      for (const load of config.loads) {
        for (const seed of config.seeds) {
          for (const objective of config.objectives) {
            const scenario = `${topology.name}/${pattern.name}/${load.name}/s${seed}/${objective}`;
            for (const algorithm of config.algorithms) {
              const label = algorithmLabel(algorithm);
              const hash = fnv1a64(canonicalJson({ topology, pattern, load, seed, objective, algorithm, instance: config.instance, solver: config.solver })).slice(0, 12);
              cells.push({
                id: `${scenario}/${label}#${hash}`,
                index: cells.length,
                scenario,
                topology,
                pattern,
                load,
                seed,
                objective,
                algorithm,
                label,
                instance: config.instance,
                solver: config.solver,
              });
            }
          }
        }
      }
    }
  }
  return cells;
}

/** The cell's parameters as flat `section.field` columns (for CSV), values as given or defaulted. */
export function cellParams(cell: Cell): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  const put = (prefix: string, obj: object): void => {
    for (const [k, v] of Object.entries(obj)) {
      if (k === "name" || v === undefined) continue;
      if (v !== null && typeof v === "object") put(`${prefix}.${k}`, v as object);
      else out[`${prefix}.${k}`] = Array.isArray(v) ? (v as unknown[]).join(" ") : (v as string | number | boolean | null);
    }
  };
  put("topology", cell.topology);
  put("pattern", cell.pattern);
  for (const [k, v] of Object.entries(cell.load)) {
    if (k === "name") continue;
    out[`load.${k}`] = Array.isArray(v) ? v.join(" ") : (v as string | number | boolean);
  }
  put("algorithm", cell.algorithm);
  put("instance", cell.instance);
  put("solver", cell.solver);
  return out;
}
