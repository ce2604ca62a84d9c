import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { randomInstance } from "../../src/core/instances/random.js";
import { fitsWithin, Instance, Objective } from "../../src/core/model/problem.js";
import { createRng } from "../../src/core/rng.js";
import { greedyPlan, routedPlan } from "../../src/core/solve/greedy.js";
import { compileNet, type Net } from "../../src/core/solve/net.js";
import { placementSearchApplies, searchPlacement, surrogateValue } from "../../src/core/solve/placement-search.js";

/** Every VM on a candidate host, hosts within cpu, memory and local bandwidth, migrations within budget. */
function mappingProblems(net: Net, mapping: Int32Array): string[] {
  const problems: string[] = [];
  const cpu = new Float64Array(net.H);
  const mem = new Float64Array(net.H);
  const local = new Float64Array(net.H);
  let moved = 0;
  for (let v = 0; v < net.V; v++) {
    const h = mapping[v]!;
    if (!net.candidates[v]!.includes(h)) problems.push(`vm ${v} on non-candidate host ${h}`);
    cpu[h]! += net.cpu[v]!;
    mem[h]! += net.mem[v]!;
    if (net.current[v]! >= 0 && net.current[v] !== h) moved++;
  }
  for (let d = 0; d < net.D; d++) if (mapping[net.src[d]!] === mapping[net.dst[d]!]) local[mapping[net.src[d]!]!]! += net.mbps[d]!;
  for (let h = 0; h < net.H; h++) {
    if (!fitsWithin(cpu[h]!, net.cpuCap[h]!) || !fitsWithin(mem[h]!, net.memCap[h]!)) problems.push(`host ${h} over cpu or memory`);
    if (!fitsWithin(local[h]!, net.localMbps[h]!)) problems.push(`host ${h} over localMbps`);
  }
  const max = net.instance.maxMigrations;
  if (max !== null && moved > max) problems.push(`${moved} migrations over ${max}`);
  return problems;
}

const cases = fc.record({
  seed: fc.nat(),
  hosts: fc.integer({ min: 2, max: 8 }),
  vms: fc.integer({ min: 2, max: 16 }),
  demands: fc.integer({ min: 1, max: 30 }),
  objective: fc.constantFrom(Objective.ResidualBottleneck, Objective.TrafficCost),
});

describe("placement search (surrogate annealing over mappings)", () => {
  it("keeps every mapping within candidates, capacities, local bandwidth and maxMigrations; its value is the surrogate's", () => {
    fc.assert(
      fc.property(cases, ({ seed, hosts, vms, demands, objective }) => {
        const inst = randomInstance(createRng(seed), { hosts, vms, demands, objective });
        const net = compileNet(inst);
        const g = greedyPlan(net);
        if (!g.ok || !placementSearchApplies(net)) return;
        const r = searchPlacement(net, g.plan.hostOf, { rng: createRng(seed), iterations: 3000 });
        expect(mappingProblems(net, r.mapping)).toEqual([]);
        // the incrementally kept value equals a fresh evaluation, and is no worse than the start's
        const fresh = surrogateValue(net, r.mapping);
        expect(Math.abs(r.value - fresh)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(fresh)));
        expect(r.value).toBeGreaterThanOrEqual(surrogateValue(net, g.plan.hostOf) - 1e-6 * Math.max(1, Math.abs(fresh)));
      }),
      { numRuns: 150 },
    );
  });

  it("is reproducible from its seed with an iteration budget", () => {
    // the first seeded instance greedy can plan
    const planned = Array.from({ length: 20 }, (_, seed) => {
      const net = compileNet(randomInstance(createRng(seed), { hosts: 6, vms: 14, demands: 24, objective: Objective.ResidualBottleneck }));
      const g = greedyPlan(net);
      return g.ok ? { net, g } : null;
    }).find((x) => x !== null);
    expect(planned).toBeDefined();
    const { net, g } = planned!;
    const a = searchPlacement(net, g.plan.hostOf, { rng: createRng(3), iterations: 5000 });
    const b = searchPlacement(net, g.plan.hostOf, { rng: createRng(3), iterations: 5000 });
    expect([...b.mapping]).toEqual([...a.mapping]);
    expect(b.value).toBe(a.value);
  });

  it("regroups a scattered pattern: a ring of 12 VMs spread over 4 hosts of 3 ends in 4 arcs (8 of 12 demands pairs co-located)", () => {
    const hosts = ["h0", "h1", "h2", "h3"];
    const inst = {
      hosts: hosts.map((id) => ({ id, cpu: 3, memMB: 3 * 1024, localMbps: 10_000 })),
      links: hosts.flatMap((a) => hosts.filter((b) => b !== a).map((b) => ({ from: a, to: b, mbps: 1000, latencyMs: 1, active: true }))),
      // vm i on host i mod 4: no two ring neighbours share a host
      vms: Array.from({ length: 12 }, (_, i) => ({ id: `vm${i}`, cpu: 1, memMB: 1024, host: hosts[i % 4]!, pin: null, allowed: null })),
      demands: Array.from({ length: 12 }, (_, i) => ({ src: `vm${i}`, dst: `vm${(i + 1) % 12}`, mbps: 10, maxLatencyMs: null })),
      objective: Objective.TrafficCost,
      maxMigrations: null,
      migrationWeight: 0,
    };
    const net = compileNet(Instance.parse(inst));
    const r = searchPlacement(net, net.current.slice(), { rng: createRng(1), iterations: 20_000 });
    let together = 0;
    for (let d = 0; d < net.D; d++) if (r.mapping[net.src[d]!] === r.mapping[net.dst[d]!]) together++;
    expect(together).toBe(8);
    const plan = routedPlan(net, r.mapping);
    expect(plan).not.toBeNull();
    expect(plan!.score()).toBeCloseTo(4 * 10 * 1, 9);
  });
});
