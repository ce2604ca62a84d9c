import type { Loaders } from "./lazy.js";

/**
 * Every subcommand, by name, as a loader of its registration function; add new commands here. Loading on demand
 * keeps start-up short: `vadapt import pcap` loads the importers, not the NATS client or the LP solvers.
 */
export const commands: Loaders = {
  agent: async () => (await import("./agent.js")).registerAgent,
  approve: async () => (await import("./serve.js")).registerApprove,
  experiment: async () => (await import("./experiment.js")).registerExperiment,
  "gen-instance": async () => (await import("./gen-instance.js")).registerGenInstance,
  "gen-trace": async () => (await import("./gen-trace.js")).registerGenTrace,
  import: async () => (await import("./import.js")).registerImport,
  infer: async () => (await import("./infer.js")).registerInfer,
  inspect: async () => (await import("./inspect.js")).registerInspect,
  "nats-config": async () => (await import("./nats-config.js")).registerNatsConfig,
  plan: async () => (await import("./plan.js")).registerPlan,
  predict: async () => (await import("./predict.js")).registerPredict,
  report: async () => (await import("./report.js")).registerReport,
  serve: async () => (await import("./serve.js")).registerServe,
  solve: async () => (await import("./solve.js")).registerSolve,
  testbed: async () => (await import("./testbed.js")).registerTestbed,
};
