/**
 * The report of a what-if run (`vadapt plan --json` / `-o`): the objective before and after each plan (its
 * efficacy indicators), decisions, plans and migrations on a timeline, and the placement before and after.
 */
import { z } from "zod";
import { Plan } from "../plan/plan.js";
import { htmlPage, type Section } from "./html.js";
import { dumbbellChart, fmt, graphChart, timelineChart } from "./svg.js";

/** What a report needs of the planner's JSON report (src/service/planner.ts `WhatIfReport`). */
export const PlanReportFile = z.object({
  trace: z.string(),
  name: z.string().nullable().optional(),
  hosts: z.number().int().nonnegative(),
  vms: z.number().int().nonnegative(),
  intervals: z.number().int().nonnegative(),
  decisions: z.array(
    z.object({
      tMs: z.number(),
      trigger: z.string(),
      act: z.boolean(),
      reason: z.string(),
      planId: z.string().nullable(),
      topology: z.object({ class: z.string(), confidence: z.number() }).nullable(),
    }),
  ),
  plans: z.array(z.object({ plan: Plan, status: z.string(), decidedMs: z.number(), settledMs: z.number().nullable() })),
  initialPlacement: z.record(z.string(), z.string()),
  finalPlacement: z.record(z.string(), z.string()),
  changes: z.number().int().nonnegative(),
});
export type PlanReportFile = z.infer<typeof PlanReportFile>;

/** A placement as a bipartite graph: hosts (group 0) and their VMs (group 1). */
function placementGraph(id: string, title: string, placement: Readonly<Record<string, string>>, moved: ReadonlySet<string>): string {
  const hosts = [...new Set(Object.values(placement))].sort();
  const nodes: Array<{ id: string; group: number }> = [];
  for (const h of hosts) {
    nodes.push({ id: h, group: 0 });
    for (const [vm, at] of Object.entries(placement).sort()) if (at === h) nodes.push({ id: vm, group: moved.has(vm) ? 3 : 1 });
  }
  return graphChart(id, title, nodes, Object.entries(placement).map(([vm, h]) => ({ from: vm, to: h, weight: 1, label: moved.has(vm) ? "moved" : "placed" })));
}

/** The plan sections (shared by the trace report, which runs the planner too). */
export function planSections(r: PlanReportFile, idPrefix = ""): Section[] {
  const lastT = Math.max(0, ...r.decisions.map((d) => d.tMs), ...r.plans.map((p) => p.settledMs ?? p.decidedMs));
  const events: Array<{ tMs: number; lane: number; label: string }> = [];
  for (const d of r.decisions) {
    const topo = d.topology !== null ? ` [${d.topology.class} ${d.topology.confidence.toFixed(2)}]` : "";
    events.push({ tMs: d.tMs, lane: d.act ? 1 : 0, label: `${d.trigger}${topo}: ${d.act ? `plan ${d.planId ?? ""}` : d.reason}` });
  }
  for (const p of r.plans) for (const m of p.plan.efficacy.migrations) events.push({ tMs: p.plan.createdMs, lane: 2, label: `${m.vm}: ${m.from} → ${m.to} (plan ${p.plan.id}, ${p.status})` });
  const moved = new Set(Object.keys(r.finalPlacement).filter((vm) => r.initialPlacement[vm] !== r.finalPlacement[vm]));
  const rows = r.plans.map((p) => ({ label: `${p.plan.id} @ ${fmt(p.plan.createdMs / 1000)} s`, before: p.plan.efficacy.before, after: p.plan.efficacy.after }));
  const objective = r.plans[0]?.plan.efficacy.objective ?? "objective";
  return [
    {
      id: `${idPrefix}objective`,
      title: "Objective before and after each plan",
      note: r.plans.length === 0 ? "The planner made no plan: no decision found an improvement worth its cost." : `The plan's efficacy indicators (${objective}): the objective under the current placement and under the plan, on the predicted demands.`,
      plots: r.plans.length === 0 ? [] : [dumbbellChart(`${idPrefix}objective-before-after`, `${objective}, before → after`, objective, rows)],
      table: {
        head: ["plan", "t (s)", "status", "before", "after", "gain %", "migrations", "copy s", "links +/−", "rules"],
        rows: r.plans.map((p) => {
          const e = p.plan.efficacy;
          return [p.plan.id, fmt(p.plan.createdMs / 1000), p.status, fmt(e.before), fmt(e.after), e.predictedGainPct.toFixed(1), String(e.migrations.length), e.migrationSeconds.toFixed(1), `${e.linksAdded}/${e.linksRemoved}`, String(e.rulesChanged)];
        }),
      },
    },
    {
      id: `${idPrefix}timeline`,
      title: "Decisions and migrations over time",
      note: `${r.decisions.length} decision(s), ${r.plans.length} plan(s), ${events.filter((e) => e.lane === 2).length} migration(s); ${r.changes} traffic change(s) detected.`,
      plots: [timelineChart(`${idPrefix}migration-timeline`, "decisions, plans and migrations", ["no action", "plan", "migration"], events, [0, lastT])],
    },
    {
      id: `${idPrefix}placement`,
      title: "Placement before and after",
      note: `${moved.size} of ${Object.keys(r.finalPlacement).length} VMs moved (highlighted).`,
      plots: [placementGraph(`${idPrefix}placement-before`, "initial placement", r.initialPlacement, new Set()), placementGraph(`${idPrefix}placement-after`, "final placement", r.finalPlacement, moved)],
    },
  ];
}

export function planReport(r: PlanReportFile): string {
  return htmlPage(
    `What-if plan: ${r.name ?? r.trace}`,
    [`${r.trace}: ${r.vms} VMs on ${r.hosts} hosts, ${r.intervals} intervals`],
    planSections(r),
    "Generated by vadapt report from the what-if planner's JSON report (vadapt plan --json).",
  );
}
