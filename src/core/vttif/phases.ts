/**
 * The VTTIF pipeline over a stream of aggregated intervals: rates in Mbit/s, smoothing, change detection, and
 * the phases the change detector splits the stream into, each with its mean rate matrix, topology and demands.
 */
import type { VmId } from "../model/ids.js";
import type { Demand } from "../model/problem.js";
import type { AggregatedInterval } from "./aggregate.js";
import { ChangeDetector, type ChangeEvent, type ChangeOptionsInput, type ChangeStep } from "./change.js";
import { classifyTraffic, type Classification, type ClassifyOptions } from "./classify.js";
import { demandsFrom, type DemandOptions } from "./demands.js";
import { growSquare, Smoother, toMbps, type Smoothing } from "./smooth.js";

export interface PhaseOptions {
  readonly smoothing?: Smoothing;
  readonly change?: ChangeOptionsInput;
}

export interface Phase {
  readonly index: number;
  readonly startMs: number;
  /** End of the phase's last interval. */
  readonly endMs: number;
  readonly intervals: number;
  /** The change that opened this phase (null for the first). */
  readonly change: ChangeEvent | null;
  /** Matrix size (VMs known when the phase ended). */
  readonly n: number;
  /** Mean rate over the phase's intervals, Mbit/s, row-major n x n. */
  readonly meanMbps: Float64Array;
}

interface Open {
  sum: Float64Array;
  n: number;
  count: number;
  startMs: number;
  endMs: number;
  change: ChangeEvent | null;
}

interface Held {
  rates: Float64Array;
  n: number;
  startMs: number;
  endMs: number;
}

/** Splits a stream of aggregated intervals into phases. Pure: push intervals, then finish. */
export class PhaseTracker {
  private readonly smoother: Smoother;
  readonly detector: ChangeDetector;
  private readonly done: Phase[] = [];
  private open: Open | null = null;
  private held: Held[] = [];
  /** Every step's detector output, for reports. */
  readonly steps: ChangeStep[] = [];

  constructor(options: PhaseOptions = {}) {
    this.smoother = new Smoother(options.smoothing ?? { kind: "none" });
    this.detector = new ChangeDetector(options.change ?? {});
  }

  push(iv: AggregatedInterval): ChangeStep {
    const n = iv.matrix.macs.length;
    const rates = toMbps(iv.matrix.bytes, iv.intervalMs);
    const step = this.detector.push(this.smoother.push(rates, n), n);
    this.steps.push(step);
    const here: Held = { rates, n, startMs: iv.startMs, endMs: iv.startMs + iv.intervalMs };
    if (step.change !== null) {
      if (this.open !== null) this.close();
      this.open = null;
      for (const h of [...this.held, here]) this.fold(h, step.change);
      this.held = [];
    } else if (step.candidate) {
      this.held.push(here);
    } else {
      for (const h of [...this.held, here]) this.fold(h, null);
      this.held = [];
    }
    return step;
  }

  private fold(h: Held, change: ChangeEvent | null): void {
    if (this.open === null) {
      this.open = { sum: h.rates.slice(), n: h.n, count: 1, startMs: h.startMs, endMs: h.endMs, change };
      return;
    }
    const o = this.open;
    if (h.n > o.n) {
      o.sum = growSquare(o.sum, o.n, h.n);
      o.n = h.n;
    }
    const r = h.n < o.n ? growSquare(h.rates, h.n, o.n) : h.rates;
    for (let i = 0; i < o.sum.length; i++) o.sum[i]! += r[i]!;
    o.count++;
    o.endMs = h.endMs;
  }

  private close(): void {
    const o = this.open!;
    const mean = o.sum.map((v) => v / o.count);
    this.done.push({ index: this.done.length, startMs: o.startMs, endMs: o.endMs, intervals: o.count, change: o.change, n: o.n, meanMbps: mean });
  }

  /** Ends the stream (held candidates join the current phase) and returns every phase. */
  finish(): Phase[] {
    for (const h of this.held) this.fold(h, null);
    this.held = [];
    if (this.open !== null) this.close();
    this.open = null;
    return this.done;
  }
}

export interface PhaseTopology {
  readonly classification: Classification;
  readonly demands: Demand[];
}

/** Classifies a phase's mean matrix and lists the demands of its pruned topology. */
export function inferTopology(meanMbps: Float64Array, n: number, vmIds: readonly VmId[], classify: ClassifyOptions = {}, demands: DemandOptions = {}): PhaseTopology {
  const classification = classifyTraffic(meanMbps, n, classify);
  return { classification, demands: demandsFrom(meanMbps, n, vmIds, classification.kept, demands) };
}
