/** Prometheus metrics of the optimizer (prom-client), served at /metrics. */
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "vadapt_process_" });
  const m = {
    registry,
    reportsAccepted: new Counter({ name: "vadapt_reports_accepted_total", help: "Reports accepted, by kind", labelNames: ["kind"], registers: [registry] }),
    reportsRejected: new Counter({ name: "vadapt_reports_rejected_total", help: "Reports rejected, by reason", labelNames: ["reason"], registers: [registry] }),
    intervals: new Counter({ name: "vadapt_intervals_total", help: "Traffic intervals aggregated", registers: [registry] }),
    changes: new Counter({ name: "vadapt_traffic_changes_total", help: "Traffic changes declared by the change detector", registers: [registry] }),
    decisions: new Counter({ name: "vadapt_decisions_total", help: "Decisions, by outcome", labelNames: ["act"], registers: [registry] }),
    plans: new Counter({ name: "vadapt_plans_total", help: "Plans, by final status", labelNames: ["status"], registers: [registry] }),
    actions: new Counter({ name: "vadapt_plan_actions_total", help: "Plan action events", labelNames: ["event"], registers: [registry] }),
    objective: new Gauge({ name: "vadapt_objective", help: "The objective's value before and after the latest plan", labelNames: ["when"], registers: [registry] }),
    lastIntervalEnd: new Gauge({ name: "vadapt_last_interval_end_ms", help: "End of the last aggregated interval (data time, ms)", registers: [registry] }),
  };
  return m;
}
export type Metrics = ReturnType<typeof createMetrics>;
