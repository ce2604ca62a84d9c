/**
 * The change detector over a day of real backbone traffic matrices (../shared/data/sndlib/dynamic): Abilene,
 * 288 five-minute matrices of 2004-03-01, and GEANT, 96 fifteen-minute matrices of 2005-05-05, read with the
 * SNDlib importer and run through the same pipeline as `vadapt infer` (aggregation, rates, change detection).
 */
import { expect, it } from "vitest";
import { vmId } from "../../../src/core/model/ids.js";
import { TrafficAggregator } from "../../../src/core/vttif/aggregate.js";
import type { ChangeOptionsInput } from "../../../src/core/vttif/change.js";
import { inferTopology, PhaseTracker } from "../../../src/core/vttif/phases.js";
import { openSndlib } from "../../../src/importers/sndlib.js";
import { dataPath, describeWithData } from "../../helpers/data.js";

async function day(dir: string, change: ChangeOptionsInput) {
  const t = await openSndlib(dataPath("sndlib", "dynamic", dir));
  let agg: TrafficAggregator | null = null;
  const tracker = new PhaseTracker({ change });
  for await (const e of t.events) {
    if (e.type !== "traffic") continue;
    agg ??= new TrafficAggregator(t.header.vms, { intervalMs: e.intervalMs });
    for (const iv of agg.add(e)) tracker.push(iv);
  }
  for (const iv of agg!.flush()) tracker.push(iv);
  const phases = tracker.finish();
  const hours = (ms: number): number => Math.round((ms / 3_600_000) * 100) / 100;
  return {
    phases: phases.map((p) => ({ fromHour: hours(p.startMs), intervals: p.intervals, reason: p.change?.reason ?? null, reaction: p.change?.reactionIntervals ?? null })),
    blips: tracker.detector.blips,
    maxShape: Math.max(...tracker.steps.map((s) => s.shapeDistance)),
    levels: tracker.steps.slice(1).map((s) => s.levelRatio),
    last: phases.at(-1)!,
    vms: t.header.vms.map((v) => vmId(v.id)),
  };
}

describeWithData("VTTIF change detection over a day of backbone traffic", () => {
  it("Abilene 2004-03-01: with the defaults, one phase all day (one blip ignored); all 12 PoPs talk to all", async () => {
    const r = await day("abilene_5min_20040301", {});
    expect(r.phases).toEqual([{ fromHour: 0, intervals: 288, reason: null, reaction: null }]);
    expect(r.blips).toBe(1);
    expect(r.maxShape).toBeGreaterThan(0.3);
    expect(r.maxShape).toBeLessThan(0.31);
    expect(Math.min(...r.levels)).toBeGreaterThan(0.79);
    expect(Math.max(...r.levels)).toBeLessThan(1.8);
    const top = inferTopology(r.last.meanMbps, r.last.n, r.vms);
    expect(top.classification.class).toBe("all-to-all");
    expect(top.demands).toHaveLength(132);
  });

  it("Abilene 2004-03-01: more sensitive settings wake the optimizer for the afternoon peak and a late shift", async () => {
    const r = await day("abilene_5min_20040301", { shapeThreshold: 0.2, levelRatio: 1.5 });
    expect(r.phases).toEqual([
      { fromHour: 0, intervals: 233, reason: null, reaction: null },
      { fromHour: 19.42, intervals: 50, reason: "level", reaction: 3 },
      { fromHour: 23.58, intervals: 5, reason: "shape", reaction: 3 },
    ]);
    expect(r.blips).toBe(4);
  });

  it("GEANT 2005-05-05: one phase all day, even with sensitive settings (shape distance <= 0.16, level within x0.86..1.46); no shape", async () => {
    for (const opts of [{}, { shapeThreshold: 0.2, levelRatio: 1.5 }]) {
      const r = await day("geant_15min_20050505", opts);
      expect(r.phases).toEqual([{ fromHour: 0, intervals: 96, reason: null, reaction: null }]);
      expect(r.blips).toBe(0);
      expect(r.maxShape).toBeLessThan(0.16);
      const top = inferTopology(r.last.meanMbps, r.last.n, r.vms).classification;
      // Heavy-tailed demands: the cleanest gap keeps 30 pairs among 13 of 22 PoPs, no recognised shape.
      expect(top.class).toBe("unknown");
      expect(top.graph).toMatchObject({ activeVms: 22, nodes: 13, edges: 30 });
    }
  });
});
