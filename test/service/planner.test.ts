import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/service/config.js";
import { runWhatIf } from "../../src/service/planner.js";
import { join } from "node:path";
import { REPO_ROOT } from "../helpers/data.js";

const trace = (name: string) => join(REPO_ROOT, "traces", name);

describe("what-if planner on the bundled samples", () => {
  it("moves a ring scattered across the WAN into one site, and the plan keeps every ring neighbour within a site", async () => {
    const r = await runWhatIf(trace("bsp-ring-8.trace"), { config: loadConfig(undefined, {}) });
    expect(r.intervals).toBe(60);
    expect(r.plans.length).toBe(1);
    const rec = r.plans[0]!;
    expect(rec.status).toBe("applied");
    expect(rec.plan.efficacy.after).toBeGreaterThan(rec.plan.efficacy.before);
    const siteOf = (h: string) => (h === "h1" || h === "h2" ? "s1" : "s2");
    for (let i = 1; i <= 8; i++) {
      const a = r.finalPlacement[`vm${i}`]!;
      const b = r.finalPlacement[`vm${(i % 8) + 1}`]!;
      expect(siteOf(a), `vm${i}/vm${(i % 8) + 1}`).toBe(siteOf(b));
    }
    // Before: every ring pair crossed the WAN.
    for (let i = 1; i <= 8; i++) expect(siteOf(r.initialPlacement[`vm${i}`]!)).not.toBe(siteOf(r.initialPlacement[`vm${(i % 8) + 1}`]!));
  });

  it("is deterministic: the same trace and config give the same plans", async () => {
    const config = loadConfig(undefined, {});
    const a = await runWhatIf(trace("bsp-phases-8.trace"), { config });
    const b = await runWhatIf(trace("bsp-phases-8.trace"), { config });
    expect(JSON.stringify(a.plans)).toBe(JSON.stringify(b.plans));
    expect(a.changes).toBeGreaterThanOrEqual(1);
    expect(a.decisions.map((d) => d.topology?.class)).toEqual(["ring", "all-to-all"]);
  });

  it("recommends without applying in dry-run mode", async () => {
    const r = await runWhatIf(trace("bsp-ring-8.trace"), { config: loadConfig(undefined, { VADAPT_MODE: "dry-run" }) });
    expect(r.plans.every((p) => p.status === "proposed")).toBe(true);
    expect(r.finalPlacement).toEqual(r.initialPlacement);
  });

  it("does not act when the horizon cannot pay for the migrations", async () => {
    const r = await runWhatIf(trace("bsp-ring-8.trace"), { config: loadConfig(undefined, { VADAPT_POLICY_HORIZON_S: "60", VADAPT_PERIODIC_INTERVALS: "0" }) });
    expect(r.plans.length).toBe(0);
    expect(r.decisions[0]?.reason).toMatch(/does not pay/);
  });
});
