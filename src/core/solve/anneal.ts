/**
 * Simulated annealing for VADAPT (Kirkpatrick, Gelatt & Vecchi, Science 1983; as used for the adaptation problem by
 * Sundararaj et al., ICAC'06 / NWU-EECS-06-06), started from a feasible plan (the greedy one) and kept feasible:
 *
 * - moves: **remap** one VM (to the host of one of its communication partners half the time, else to a random
 *   candidate host), **swap** two VMs on different hosts, **reroute** one inter-host demand (to one of its 3
 *   shortest-latency candidate paths with room, by Yen's algorithm, or its widest path). After a remap or swap the
 *   moved VMs' demands are rerouted as greedy routes them (Plan.routeDemand). A move that would break a constraint is undone.
 * - acceptance: Metropolis; a move that changes the score by Δ (oriented so that larger is better) is taken when
 *   Δ ≥ 0, else with probability exp(Δ / T).
 * - cooling schedule: exponential in the run's progress p ∈ [0, 1], `T(p) = T0 · (T1 / T0)^p` with
 *   `T1 = T0 · 1e-4`; p is the larger of iterations / budget and elapsed / deadline. T0 is set so that the mean
 *   worsening among 100 sampled moves from the start is accepted with probability 1/2 (`T0 = mean / ln 2`), times
 *   the share of a full schedule ({@link defaultIterations}) the run can afford (its budget, or under a deadline the
 *   moves the sampled moves' pace allows): a short run on a large instance starts cool, near its (greedy) start,
 *   instead of wandering off and running out of time before it cools.
 * - anytime: the best plan seen is kept and returned when the budget or the deadline is reached. Given an
 *   iteration budget alone the run is reproducible from its seed; a deadline cuts it where the clock says.
 */
import { maximizes } from "../model/problem.js";
import type { Rng } from "../rng.js";
import { kShortestPaths } from "./k-shortest.js";
import { partnerOf, type Net } from "./net.js";
import type { Plan } from "./plan.js";
import { widestPath } from "./widest-path.js";

/** A point of the improvement curve. */
export interface AnnealProgress {
  readonly iteration: number;
  /** Milliseconds since the start by the injected clock, null without one. */
  readonly millis: number | null;
  readonly score: number;
}

export interface AnnealOptions {
  readonly rng: Rng;
  /** Move budget. Default when no deadline is given: {@link defaultIterations}. */
  readonly iterations?: number;
  /** Stop this many milliseconds after the start (needs `clock`). */
  readonly deadlineMs?: number;
  /** Milliseconds from any origin (core has no clock of its own; the shell injects one). */
  readonly clock?: () => number;
  /** Called with the start and with every new best. */
  readonly onImprove?: (p: AnnealProgress) => void;
}

export interface AnnealOutcome {
  readonly best: Plan;
  readonly iterations: number;
  readonly accepted: number;
  readonly initialTemperature: number;
}

/** The move budget when neither an iteration budget nor a deadline is given: 200 moves per VM and demand. */
export function defaultIterations(net: Net): number {
  return 1000 + 200 * (net.V + net.D);
}

const COOLING_RATIO = 1e-4;
const SAMPLE_MOVES = 100;
const CANDIDATE_PATHS = 3;

/** Anneals a complete feasible plan (modified in place) and returns the best plan seen. */
export function anneal(plan: Plan, options: AnnealOptions): AnnealOutcome {
  const net = plan.net;
  const { rng, clock } = options;
  const deadlineMs = clock === undefined ? undefined : options.deadlineMs;
  const budget = options.iterations ?? (deadlineMs === undefined ? defaultIterations(net) : Infinity);
  const started = clock?.() ?? 0;
  const elapsed = (): number | null => (clock === undefined ? null : clock() - started);
  const moves = new Moves(net, rng);

  let current = plan.gain();
  let best = plan.clone();
  let bestGain = current;
  const sign = maximizes(net.objective) ? 1 : -1;
  options.onImprove?.({ iteration: 0, millis: elapsed(), score: sign * current });
  if (!moves.any) return { best, iterations: 0, accepted: 0, initialTemperature: 0 };

  // Initial temperature from sampled worsening moves.
  let worse = 0;
  let nWorse = 0;
  for (let i = 0; i < SAMPLE_MOVES; i++) {
    plan.begin();
    if (moves.apply(plan)) {
      const delta = plan.gain() - current;
      if (delta < 0) {
        worse -= delta;
        nWorse++;
      }
    }
    plan.rollback();
  }
  // A run shorter than a full schedule starts cooler, in proportion: it cannot afford to wander from its start.
  const sampledMs = elapsed();
  const affordable =
    budget < Infinity ? budget : sampledMs !== null && deadlineMs !== undefined && sampledMs > 0 ? ((deadlineMs - sampledMs) * SAMPLE_MOVES) / sampledMs : defaultIterations(net);
  const share = Math.min(1, Math.max(affordable, 1) / defaultIterations(net));
  const t0 = nWorse > 0 ? (share * worse) / nWorse / Math.LN2 : Math.max(1e-9, 1e-3 * Math.abs(current));
  const t1 = t0 * COOLING_RATIO;

  let progress = 0;
  let iteration = 0;
  let accepted = 0;
  while (iteration < budget) {
    if ((iteration & 15) === 0) {
      const ms = elapsed();
      progress = Math.max(iteration / budget, ms !== null && deadlineMs !== undefined ? ms / deadlineMs : 0);
      if (progress >= 1) break;
    }
    iteration++;
    const temperature = t0 * Math.pow(t1 / t0, progress);
    plan.begin();
    if (!moves.apply(plan)) {
      plan.rollback();
      continue;
    }
    const g = plan.gain();
    const delta = g - current;
    if (delta >= 0 || rng.next() < Math.exp(delta / temperature)) {
      plan.commit();
      current = g;
      accepted++;
      if (g > bestGain + 1e-9 * Math.max(1, Math.abs(bestGain))) {
        bestGain = g;
        best = plan.clone();
        options.onImprove?.({ iteration, millis: elapsed(), score: sign * g });
      }
    } else {
      plan.rollback();
    }
  }
  return { best, iterations: iteration, accepted, initialTemperature: t0 };
}

/** The three kinds of move, applied to a plan inside a journal; each returns false when the result is infeasible. */
class Moves {
  private readonly net: Net;
  private readonly rng: Rng;
  /** VMs with more than one candidate host. */
  private readonly movable: number[];
  /** `candidate[v * H + h]` = 1 when h is a candidate host of v. */
  private readonly candidate: Uint8Array;
  /** Each VM's demands in decreasing Mbit/s. */
  private readonly bySize: number[][];
  readonly any: boolean;

  constructor(net: Net, rng: Rng) {
    this.net = net;
    this.rng = rng;
    this.movable = [];
    this.candidate = new Uint8Array(net.V * net.H);
    net.candidates.forEach((hs, v) => {
      for (const h of hs) this.candidate[v * net.H + h] = 1;
      if (hs.length > 1) this.movable.push(v);
    });
    this.bySize = net.incident.map((ds) => [...ds].sort((a, b) => net.mbps[b]! - net.mbps[a]! || a - b));
    this.any = this.movable.length > 0 || net.D > 0;
  }

  apply(plan: Plan): boolean {
    const r = this.rng.next();
    if (this.movable.length === 0 || (r >= 0.7 && this.net.D > 0)) return this.reroute(plan);
    return r < 0.4 ? this.remap(plan) : this.swap(plan);
  }

  private remap(plan: Plan): boolean {
    const { net, rng } = this;
    const v = this.movable[rng.int(this.movable.length)]!;
    const mine = net.incident[v]!;
    let h: number;
    if (mine.length > 0 && rng.next() < 0.5) {
      const d = mine[rng.int(mine.length)]!;
      h = plan.hostOf[partnerOf(net, d, v)]!;
      if (this.candidate[v * net.H + h] !== 1) return false;
    } else {
      const cands = net.candidates[v]!;
      h = cands[rng.int(cands.length)]!;
    }
    if (h === plan.hostOf[v] || !plan.withinMigrationBudget(v, h)) return false;
    for (const d of mine) plan.clearRoute(d);
    plan.unplace(v);
    if (!plan.fits(v, h)) return false;
    plan.place(v, h);
    for (const d of this.bySize[v]!) if (!plan.routeDemand(d)) return false;
    return true;
  }

  private swap(plan: Plan): boolean {
    const { net, rng } = this;
    const u = this.movable[rng.int(this.movable.length)]!;
    const v = this.movable[rng.int(this.movable.length)]!;
    const hu = plan.hostOf[u]!;
    const hv = plan.hostOf[v]!;
    if (hu === hv || this.candidate[u * net.H + hv] !== 1 || this.candidate[v * net.H + hu] !== 1) return false;
    const affected = [...new Set([...net.incident[u]!, ...net.incident[v]!])].sort((a, b) => net.mbps[b]! - net.mbps[a]! || a - b);
    for (const d of affected) plan.clearRoute(d);
    plan.unplace(u);
    plan.unplace(v);
    if (!plan.fits(u, hv)) return false;
    plan.place(u, hv);
    if (!plan.fits(v, hu)) return false;
    plan.place(v, hu);
    const max = net.instance.maxMigrations;
    if (max !== null && plan.moved > max) return false;
    for (const d of affected) if (!plan.routeDemand(d)) return false;
    return true;
  }

  private reroute(plan: Plan): boolean {
    const { net, rng } = this;
    if (net.D === 0) return false;
    const d = rng.int(net.D);
    if (plan.route[d]!.length === 0) return false;
    const a = plan.hostOf[net.src[d]!]!;
    const b = plan.hostOf[net.dst[d]!]!;
    plan.clearRoute(d);
    const limits = { minMbps: net.mbps[d]!, maxLatencyMs: net.maxLatencyMs[d]! };
    const options = kShortestPaths(net, a, b, CANDIDATE_PATHS, plan.residual, limits);
    const widest = widestPath(net, a, b, plan.residual, limits);
    if (widest !== null) options.push(widest);
    if (options.length === 0) return false;
    plan.setRoute(d, options[rng.int(options.length)]!.edges);
    return true;
  }
}
