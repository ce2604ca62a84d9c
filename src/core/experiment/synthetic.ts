/**
 * Synthetic wide-area topologies for experiments without a real network: a ring, a star (site 0 at the centre),
 * a full mesh, or a random graph (a ring for connectivity plus `degree` random chords per site, each link's
 * latency drawn from [latencyMs/2, 3·latencyMs/2]). Links are bidirectional (two directed links).
 */
import type { Topology } from "../instances/generate.js";
import { createRng } from "../rng.js";
import type { SyntheticTopology } from "./config.js";

export function syntheticTopology(s: SyntheticTopology): Topology {
  const sites = Array.from({ length: s.sites }, (_, i) => `s${i}`);
  const links: Array<{ from: string; to: string; mbps: number; latencyMs: number }> = [];
  const seen = new Set<string>();
  const rng = createRng(s.seed);
  const add = (a: number, b: number, latencyMs: number): void => {
    if (a === b) return;
    const key = a < b ? `${a} ${b}` : `${b} ${a}`;
    if (seen.has(key)) return;
    seen.add(key);
    links.push({ from: sites[a]!, to: sites[b]!, mbps: s.mbps, latencyMs }, { from: sites[b]!, to: sites[a]!, mbps: s.mbps, latencyMs });
  };
  const lat = (): number => (s.shape === "random" ? s.latencyMs * (0.5 + rng.next()) : s.latencyMs);
  const n = s.sites;
  switch (s.shape) {
    case "ring":
      for (let i = 0; i < n; i++) add(i, (i + 1) % n, lat());
      break;
    case "star":
      for (let i = 1; i < n; i++) add(0, i, lat());
      break;
    case "full":
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) add(i, j, lat());
      break;
    case "random":
      for (let i = 0; i < n; i++) add(i, (i + 1) % n, lat());
      for (let i = 0; i < n; i++) for (let k = 0; k < s.degree; k++) add(i, rng.int(n), lat());
      break;
  }
  return { sites, links };
}
